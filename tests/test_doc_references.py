"""Comments in src/ cite rules by a section of a page in docs/, never by a document that is not
in the repository: every ``§`` is ``docs/<page>.md §N`` (or ``§N.M``) and that page has that
heading (``## §N …``)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
DOCS = ROOT / "docs"
CITATION = re.compile(r"docs/([\w-]+)\.md §(\d+(?:\.\d+)*)")
OUTSIDE = re.compile(r"seed 0\d*|seeds/", re.IGNORECASE)


def _headings(page: Path) -> set[str]:
    found = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#+ §(\d+(?:\.\d+)*)\s", line)
        if heading:
            found.add(heading.group(1))
    return found


def citation_problems(root: Path, docs: Path) -> list[str]:
    """Each problem as ``path:line: text``."""
    problems = []
    headings: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix not in {".py", ".html", ".js", ".txt", ".md"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.relative_to(root)}:{number}"
            if OUTSIDE.search(line):
                problems.append(f"{where}: cites a document outside the repository")
            cited = CITATION.findall(line)
            if line.count("§") != len(cited):
                problems.append(f"{where}: § without docs/<page>.md in front of it")
            for page, section in cited:
                file = docs / f"{page}.md"
                if not file.is_file():
                    problems.append(f"{where}: docs/{page}.md does not exist")
                    continue
                if page not in headings:
                    headings[page] = _headings(file)
                if section not in headings[page]:
                    problems.append(f"{where}: docs/{page}.md has no heading §{section}")
    return problems


def test_src_cites_only_sections_that_exist_in_docs() -> None:
    assert citation_problems(SRC, DOCS) == []


def test_src_cites_the_domain_page() -> None:
    cited = [
        m
        for path in SRC.rglob("*.py")
        for m in CITATION.findall(path.read_text(encoding="utf-8"))
        if m[0] == "domain"
    ]
    assert len(cited) >= 10


def test_the_check_finds_bad_citations(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "rules.md").write_text("# Rules\n\n## §1 One\n\n### §1.2 Two\n", encoding="utf-8")
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.py").write_text("# see docs/rules.md §1 and docs/rules.md §1.2\n")
    (src / "bad.py").write_text(
        "# the default six of seed 000\n"
        "# counted by domain.md §4\n"
        "# see docs/rules.md §3\n"
        "# see docs/missing.md §1\n"
    )
    assert citation_problems(src, docs) == [
        "bad.py:1: cites a document outside the repository",
        "bad.py:2: § without docs/<page>.md in front of it",
        "bad.py:3: docs/rules.md has no heading §3",
        "bad.py:4: docs/missing.md does not exist",
    ]
