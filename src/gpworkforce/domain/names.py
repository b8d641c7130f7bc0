"""How an organisation's name is written for people to read.

The ODS files name organisations in capitals ("DR T P FOX & PARTNERS", "ST JOHN'S SURGERY",
"NHS LEICESTER, LEICESTERSHIRE AND RUTLAND ICB"). :func:`display_name` writes such a name in
title case while keeping what must stay as it is: acronyms (NHS, GP, PCN, LLP, ICB ...), initials,
"&", "St", "Dr", Mc/Mac surnames, and Welsh and Irish forms with apostrophes ("O'Brien"). A name
that already has lower-case letters was written by a person and is returned unchanged.

The registry loaders apply it as they read the files, so the web pages, reports, papers and
exports all show the same form; a database loaded before it existed is updated by a migration
that applies the same function.
"""

from __future__ import annotations

import re

__all__ = ["display_name"]

# Kept in capitals although they contain a vowel (words without a vowel are kept anyway).
_ACRONYMS = frozenset(
    {
        "NHS", "GP", "GPS", "PCN", "PCNS", "LLP", "ICB", "ICS", "CCG", "STP", "UK", "OOH", "WIC",
        "AQP", "IUC", "UCC", "MIU", "CIC", "APMS", "PMS", "GMS", "ENT", "IPU", "UTC", "ONS", "HIV",
        "ADHD", "CAMHS", "IAPT", "CPA", "CQC", "NHSE", "NHSI", "OPD", "OPA", "SEL", "NEL", "NCL",
        "NWL", "SWL", "BNSSG", "BOB", "AGEM", "NECS", "CSU", "HEE", "PLC", "PHE", "YOI", "CYP",
    }
)  # fmt: skip
# Written in title case although they contain no vowel.
_WORDS = {
    "DR": "Dr", "DRS": "Drs", "ST": "St", "STS": "Sts", "MR": "Mr", "MRS": "Mrs", "MS": "Ms",
    "LTD": "Ltd", "RD": "Rd", "SQ": "Sq", "CTR": "Ctr", "MT": "Mt",
}  # fmt: skip
# Lower case inside a name (never first): "Leicester, Leicestershire and Rutland".
_SMALL = frozenset({"AND", "OF", "THE", "IN", "ON", "AT", "TO", "FOR", "UPON", "BY", "WITH"})
# "Mac" names taken as Scottish surnames (MACHIN, MACKAY and the like stay "Machin", "Mackay").
_MAC = re.compile(r"^MAC(?=[DFGLPR][A-Z]{2})")
_VOWEL = re.compile(r"[AEIOUY]")
_ORDINAL = re.compile(r"^(\d+)(ST|ND|RD|TH)$")
# Two-letter words that are words; any other two-letter word before a name is taken as initials
# ("GROBY ROAD MEDICAL CENTRE (ID PATCHETT)", "DR JO ARAYOMI").
_TWO_LETTER_WORDS = frozenset(
    {"OF", "IN", "ON", "AT", "TO", "BY", "UP", "AS", "IS", "IT", "OR", "NO", "SO", "GO", "DO",
     "WE", "MY", "US", "AN", "BE", "HE", "ME", "OX", "AM", "DE", "LA", "LE", "EL", "DU", "DA",
     "DI"}
)  # fmt: skip
_TOKEN = re.compile(r"[A-Z0-9'’]+|[^A-Z0-9'’]+")


def _cap(part: str) -> str:
    """One alphabetic run in title case, with Mc, Mac and O' prefixes."""
    if len(part) > 3 and part.startswith("MC"):
        return "Mc" + part[2:3] + part[3:].lower()
    if _MAC.match(part):
        return "Mac" + part[3:4] + part[4:].lower()
    return part[:1] + part[1:].lower()


def _word(word: str, first: bool, last: bool, joined: bool = False) -> str:
    """One word of a name, given whether it opens the name, whether it ends it and whether it
    is joined to another by a hyphen ("AL-WAQAS": never initials)."""
    if not any(c.isalpha() for c in word):
        return word
    ordinal = _ORDINAL.match(word)
    if ordinal:
        return ordinal[1] + ordinal[2].lower()
    if word in _WORDS:
        return _WORDS[word]
    if word in _ACRONYMS:
        return word
    if not _VOWEL.search(word) or len(word) == 1:
        return word  # an acronym or an initial
    if len(word) == 2 and word not in _TWO_LETTER_WORDS and not last and not joined:
        return word  # "DR AK SINGH", "(ID PATCHETT)": initials
    if not first and word in _SMALL:
        return word.lower()
    if "'" in word or "’" in word:
        head, mark, tail = word.partition("'" if "'" in word else "’")
        # "JOHN'S" -> "John's"; "O'BRIEN" -> "O'Brien"
        tail_text = tail.lower() if len(tail) <= 1 else _cap(tail)
        return (_cap(head) if head else "") + mark + tail_text
    return _cap(word)


def display_name(name: str) -> str:
    """``name`` in title case if it is written all in capitals; otherwise ``name`` unchanged."""
    if not name or any(c.islower() for c in name) or not any(c.isalpha() for c in name):
        return name
    tokens = _TOKEN.findall(name)
    word_at = [i for i, t in enumerate(tokens) if t[0].isalnum() or t[0] in "'’"]
    for n, i in enumerate(word_at):
        joined = (i > 0 and tokens[i - 1] == "-") or (i + 1 < len(tokens) and tokens[i + 1] == "-")
        tokens[i] = _word(tokens[i], n == 0, n == len(word_at) - 1, joined)
    return "".join(tokens)
