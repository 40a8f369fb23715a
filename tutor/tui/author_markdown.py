"""Rich's Markdown for an author's text, showing what the plain modes show.

The plain modes (scripted play, the line REPL) print the author's Markdown as written, so
the app must not show other text: Rich's renderer drops raw HTML and comments, draws an
image as its alt text only, and decodes character references (`&#x202e;`) into the very
format characters `printable` removed before parsing. Here the parsed tokens are changed
before anything is drawn: HTML is shown as text, an image as `![alt](src)`, quotes nested
deeper than QUOTE_DEPTH as their lines as written (Rich indents each level until no room is
left for the words: 300 `>` showed an empty quote), and every text Rich will draw is made
printable again, after decoding.
"""

from __future__ import annotations

from typing import Iterable

from markdown_it.token import Token
from rich.markdown import Markdown

from tutor.text_safety import printable


QUOTE_DEPTH = 4  # quote levels drawn as quotes; deeper ones are shown as written


class AuthorMarkdown(Markdown):
    def __init__(self, markup: str, **kwargs) -> None:
        super().__init__(markup, **kwargs)
        self.parsed = _deep_quotes_as_written(self.parsed, markup.split("\n"))
        _shown_as_written(self.parsed)


def _deep_quotes_as_written(tokens: list[Token], lines: list[str]) -> list[Token]:
    """The block tokens with each quote opened deeper than QUOTE_DEPTH replaced by its source lines."""
    kept: list[Token] = []
    depth = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "blockquote_open":
            if depth == QUOTE_DEPTH:
                close = _matching_close(tokens, index)
                start, end = token.map or (0, 0)
                kept += _paragraph_as_written(lines[start:end])
                index = close + 1
                continue
            depth += 1
        elif token.type == "blockquote_close":
            depth -= 1
        kept.append(token)
        index += 1
    return kept


def _paragraph_as_written(lines: list[str]) -> list[Token]:
    """A paragraph showing `lines` as they are, one under the other (long ones fold)."""
    children: list[Token] = []
    for line in lines:
        if children:
            children.append(Token("hardbreak", "br", 0))
        children.append(Token("text", "", 0, content=line))
    inline = Token("inline", "", 0, children=children, content="\n".join(lines))
    return [Token("paragraph_open", "p", 1, block=True), inline, Token("paragraph_close", "p", -1, block=True)]


def _matching_close(tokens: list[Token], opening: int) -> int:
    level = 0
    for index in range(opening, len(tokens)):
        kind = tokens[index].type
        level += kind == "blockquote_open"
        level -= kind == "blockquote_close"
        if level == 0:
            return index
    return len(tokens) - 1


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
