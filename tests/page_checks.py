"""What a person should never read on a page (issue 14, items 1 and 2): an unlabelled internal key
(``labels.internal_keys_in``), a count with the wrong number ("1 practices"), a raw missing value
("None", "nan" alone in a cell or option), a raw ISO timestamp. Used by the labels test (every page
of the access matrix) and the browser test that measures the pages' width."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from gpworkforce import labels

WIDTH = 1280  # px: pages need no horizontal scrolling at this width (issue 14, item 1)

# Words ending in "s" that are not plurals after a count of one ("1 of", "Q1 is" ...).
_NOT_PLURAL = frozenset(
    {"is", "was", "has", "as", "this", "its", "plus", "minus", "access", "process", "class"}
    | {"less", "across", "status", "census", "analysis", "basis", "focus", "gross", "yes"}
)
_ONE_PLURAL = re.compile(r"(?<![\d.,/:-])\b1 ([a-z]{2,}s)\b")
_RAW_VALUES = frozenset({"None", "nan", "NaN", "NaT", "null", "undefined", "<NA>"})
_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


class _Text(HTMLParser):
    """The text a person reads: every text node outside scripts, styles and templates."""

    SKIP = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.nodes.append(data.strip())


def text_nodes(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.nodes


def bad_plurals_in(text: str) -> list[str]:
    """Counts of one with a plural noun: ``1 practices``."""
    return sorted({m.group(0) for m in _ONE_PLURAL.finditer(text) if m.group(1) not in _NOT_PLURAL})


def text_problems(nodes: list[str]) -> list[str]:
    """What is wrong with the text of a page, as readable lines (empty: nothing)."""
    text = "\n".join(nodes)
    out = [f"internal key {k!r}" for k in labels.internal_keys_in(text)]
    out += [f"count {p!r}" for p in bad_plurals_in(text)]
    out += sorted({f"raw value {n!r}" for n in nodes if n in _RAW_VALUES})
    out += sorted({f"timestamp {m.group(0)!r}" for m in _TIMESTAMP.finditer(text)})
    return out


def page_problems(html: str) -> list[str]:
    return text_problems(text_nodes(html))
