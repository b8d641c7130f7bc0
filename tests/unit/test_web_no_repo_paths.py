"""Pages never send a reader to the repository's documents: users of the web app do not have the
repo (issue 14: the band caution cited docs/model.md; the skill-mix pages cited docs/skillmix.md).
Scans the web templates and the web package's strings a page shows."""

from __future__ import annotations

import re
from pathlib import Path

import gpworkforce.web as web

WEB = Path(web.__file__).parent
_DOC = re.compile(r"docs/[a-z_-]+\.md")


def _shown_strings(source: str) -> list[str]:
    """String literals of a module, without docstrings and comments (what a page may show)."""
    import ast

    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def test_no_page_cites_a_document_of_the_repository() -> None:
    found = []
    for template in WEB.rglob("*.jinja"):
        text = re.sub(r"\{#.*?#\}", "", template.read_text(), flags=re.S)  # Jinja comments
        found += [f"{template.name}: {m}" for m in _DOC.findall(text)]
    for module in WEB.rglob("*.py"):
        if "migrations" in module.parts:
            continue
        for text in _shown_strings(module.read_text()):
            found += [f"{module.name}: {m}" for m in _DOC.findall(text)]
    assert found == []
