"""Every Excel value and every Paragraph text goes through its one helper (checked in the code).

The helpers themselves are tested with hostile names in each app's test_hostile_names.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import tuixuan
from tuixuan.core.documents import excel, pdf

SRC = Path(tuixuan.__file__).parent
EXCEL = Path(excel.__file__).resolve()


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(), str(p))) for p in sorted(SRC.rglob("*.py"))]


def test_only_the_excel_toolkit_uses_openpyxl() -> None:
    users = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "openpyxl" or n.startswith("openpyxl.") for n in names):
                users.append(path.resolve())
    assert set(users) == {EXCEL}


def _is_markup_call(node: ast.expr) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "markup") or (
        isinstance(func, ast.Attribute) and func.attr == "markup"
    )


def test_every_paragraph_text_goes_through_markup() -> None:
    offenders = []
    calls = 0
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in {"Paragraph", "BoldParagraph"}:
                continue
            calls += 1
            if not node.args or not _is_markup_call(node.args[0]):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert calls > 10
    assert offenders == []


def test_markup_escapes_what_reportlab_would_parse() -> None:
    assert pdf.markup('<img src="/etc/passwd"/> & <b>') == (
        '&lt;img src="/etc/passwd"/&gt; &amp; &lt;b&gt;'
    )
    assert pdf.markup("一\n二") == "一<br/>二"
