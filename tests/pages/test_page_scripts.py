"""What a page script says on its own lines is shown: Streamlit's "magic" writes every bare
literal or name of a page script onto the page. A constant's docstring under an assignment
(``EVERYONE = …`` then ``\"\"\"The persona sets …\"\"\"``) appeared at the top of the personas page,
in English whatever the language."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted([*(ROOT / "views").glob("*.py"), ROOT / "app.py"])


def _shown_statements(path: Path) -> list[str]:
    """The module-level expression statements magic would write (the module docstring and
    calls are not written)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    shown = []
    for index, node in enumerate(tree.body):
        if not isinstance(node, ast.Expr) or isinstance(node.value, ast.Call | ast.Await):
            continue
        if index == 0 and isinstance(node.value, ast.Constant):
            continue  # the module docstring
        shown.append(f"line {node.lineno}: {ast.unparse(node)[:60]}")
    return shown


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_a_page_script_writes_nothing_by_magic(script):
    assert _shown_statements(script) == []


def test_the_check_finds_a_constants_docstring(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('"""Module."""\nX = 1\n"""About X."""\nX\nmain()\n', encoding="utf-8")
    assert _shown_statements(page) == ["line 3: 'About X.'", "line 4: X"]
