"""A conversational case tutor for radiology learners."""

__version__ = "0.1.0"
