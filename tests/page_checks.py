"""What a person should never read on a page (issue 14, items 1 and 2): an unlabelled internal key
(``labels.internal_keys_in``), a count with the wrong number ("1 practices"), a raw missing value
("None", "nan" alone in a cell or option), a raw ISO timestamp or date ("2017-09-30": dates read
"30 September 2017"), a count hedged as "row(s)". Used by the labels test (every page
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
# a date as a computer writes it (2017-09-30), not inside a file name or a longer code
_ISO_DATE = re.compile(r"(?<![\w./-])\d{4}-\d{2}-\d{2}(?![\w/-]|\.\w)")
_MAYBE_PLURAL = re.compile(r"\b[a-z]+\(s\)")


class _Text(HTMLParser):
    """The text a person reads: every text node outside scripts, styles and templates."""

    SKIP = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self.code: list[str] = []  # text inside <code>: a file's own format, shown as it is
        self._skipping = 0
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        self._in_code += tag == "code"

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        if tag == "code" and self._in_code:
            self._in_code -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.nodes.append(data.strip())
            if self._in_code:
                self.code.append(data.strip())


def text_nodes(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.nodes


def bad_plurals_in(text: str) -> list[str]:
    """Counts of one with a plural noun: ``1 practices``."""
    return sorted({m.group(0) for m in _ONE_PLURAL.finditer(text) if m.group(1) not in _NOT_PLURAL})


def text_problems(nodes: list[str], code: list[str] | tuple[str, ...] = ()) -> list[str]:
    """What is wrong with the text of a page, as readable lines (empty: nothing). ``code``: the
    texts the page shows as code (``<code>``: a file's column or date format), whose ISO dates
    are the format being described."""
    text = "\n".join(nodes)
    described = {m.group(0) for c in code for m in _ISO_DATE.finditer(c)}
    out = [f"internal key {k!r}" for k in labels.internal_keys_in(text)]
    out += [f"count {p!r}" for p in bad_plurals_in(text)]
    out += sorted({f"raw value {n!r}" for n in nodes if n in _RAW_VALUES})
    out += sorted({f"timestamp {m.group(0)!r}" for m in _TIMESTAMP.finditer(text)})
    stamps = {m.start() for m in _TIMESTAMP.finditer(text)}
    out += sorted(
        {
            f"raw date {m.group(0)!r}"
            for m in _ISO_DATE.finditer(text)
            if m.start() not in stamps and m.group(0) not in described
        }
    )
    out += sorted({f"count {m.group(0)!r}" for m in _MAYBE_PLURAL.finditer(text)})
    return out


def page_problems(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return text_problems(parser.nodes, parser.code)
