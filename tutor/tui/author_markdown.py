"""Rich's Markdown for an author's text, showing what the plain modes show.

The plain modes (scripted play, the line REPL) print the author's Markdown as written, so
the app must not show other text: Rich's renderer drops raw HTML and comments, draws an
image as its alt text only, and decodes character references (`&#x202e;`) into the very
format characters `printable` removed before parsing. Here the parsed tokens are changed
before anything is drawn: HTML is shown as text, an image as `![alt](src)`, and every text
Rich will draw is made printable again, after decoding.
"""

from __future__ import annotations

from typing import Iterable

from markdown_it.token import Token
from rich.markdown import Markdown

from tutor.text_safety import printable


class AuthorMarkdown(Markdown):
    def __init__(self, markup: str, **kwargs) -> None:
        super().__init__(markup, **kwargs)
        _shown_as_written(self.parsed)


def _shown_as_written(tokens: Iterable[Token]) -> None:
    for token in tokens:
        if token.type == "html_block":
            token.type = "code_block"  # an indented block of text, as the pipe shows it
        elif token.type == "html_inline":
            token.type = "text"
        elif token.type == "image":
            alt = "".join(child.content for child in token.children or ())
            token.type, token.tag, token.children = "text", "", None
            token.content = f"![{alt}]({token.attrs.get('src', '')})"
        if token.content:
            token.content = printable(token.content)
        for name, value in list(token.attrs.items()):
            if isinstance(value, str):
                token.attrs[name] = printable(value)
        if token.children:
            _shown_as_written(token.children)
