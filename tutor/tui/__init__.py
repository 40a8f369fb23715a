"""The Textual front end: the case library, a case being played, and its summary.

Only `tutor.tui.launch` is imported from outside; it is the one place the
rest of the tutor reaches Textual.
"""
