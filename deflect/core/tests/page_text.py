"""What a page says to its reader, and the words it must never say: raw choice codes
(``in_person``) and Python's ``None``/``True``/``False`` where a label or a dash belongs."""

import re
from html.parser import HTMLParser

from deflect.core.labels import snake_codes

# Text inside these elements is code or the user's own input, not the page speaking.
UNSPOKEN = {"script", "style", "code", "pre", "textarea", "template", "kbd", "samp"}
# "None" as a value; sentences such as "None yet." or "None of the pathways" are fine.
PY_VALUE = re.compile(r"\b(?:None|True|False)\b(?!\.| yet| of | noted| mapped| of$|:)")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in UNSPOKEN:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in UNSPOKEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.chunks.append(data.strip())


def spoken_text(html: str) -> list[str]:
    """The page's text nodes outside code, scripts and text areas."""
    parser = _Text()
    parser.feed(html)
    return parser.chunks


def unspoken_words(html: str) -> list[str]:
    """Raw codes and Python values the page shows its reader, with their text."""
    codes = snake_codes()
    found = []
    for chunk in spoken_text(html):
        for word in re.findall(r"[A-Za-z0-9_]+", chunk):
            if word in codes:
                found.append(f"code {word!r} in {chunk[:80]!r}")
        if PY_VALUE.search(chunk):
            found.append(f"Python value in {chunk[:80]!r}")
    return found
