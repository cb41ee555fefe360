"""The README's "Layout" section names every page, every ui module and every module and
subpackage of kundenmodell, so that it cannot fall behind the tree unnoticed."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _layout() -> dict[str, set[str]]:
    """The names the Layout block lists under each top folder (``views/``, ``ui/``, …)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Layout\n\n```\n(.*?)```", text, re.S)
    assert block is not None, "README has no Layout block"
    listed: dict[str, set[str]] = {}
    folder = ""
    for line in block.group(1).splitlines():
        top = re.match(r"(\S+)\s", line + " ")
        nested = re.match(r"  (\S+)\s", line + " ")
        if top:
            folder = top.group(1)
            listed.setdefault(folder, set())
        elif nested:
            listed[folder].add(nested.group(1))
    return listed


def _tree(folder: str) -> set[str]:
    path = ROOT / folder
    hidden = set() if folder == "kundenmodell" else {"__init__.py"}  # the package's API is listed
    modules = {p.name for p in path.glob("*.py") if p.name not in hidden}
    packages = {f"{p.name}/" for p in path.iterdir() if p.is_dir() and not p.name.startswith("__")}
    return modules | packages


def test_the_layout_lists_every_page_ui_module_and_package_module():
    listed = _layout()
    for folder in ("views", "ui", "kundenmodell"):
        assert listed[f"{folder}/"] == _tree(folder), folder
