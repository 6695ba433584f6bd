"""Every Markdown table renders as one table: a row that starts after a blank line must be a header row.

A blank line inside a table ends it, and the rows after it show as paragraphs full of "|" on GitHub and in
Jupyter — the facilitator's timings once did.
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted(ROOT.glob("*.md")) + sorted((ROOT / "translations").rglob("*.md"))
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb")) + sorted((ROOT / "translations").rglob("*.ipynb"))


def broken_rows(text: str) -> list[str]:
    """Table rows cut off from their table by a blank line (a row after a blank line with no |---| under it)."""
    lines = text.splitlines()
    broken = []
    for i, line in enumerate(lines):
        starts_table = line.startswith("|") and (i == 0 or not lines[i - 1].strip())
        below = lines[i + 1].replace(" ", "") if i + 1 < len(lines) else ""
        has_separator = "-" in below and set(below) <= set("|-:")
        if starts_table and not has_separator:
            broken.append(line[:60])
    return broken


def markdown_of(path: Path) -> str:
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", DOCUMENTS + NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_tables_are_not_cut_by_blank_lines(path):
    assert broken_rows(markdown_of(path)) == []


def test_a_cut_table_is_found():
    assert broken_rows("| a | b |\n|---|---|\n| 1 | 2 |\n") == []
    assert broken_rows("| a | b |\n|---|---|\n\n| 1 | 2 |\n") == ["| 1 | 2 |"]
    assert broken_rows("| a | b |\n|---|---|\n\n| 1 | 2 |\n\n| 3 | 4 |\n") == ["| 1 | 2 |", "| 3 | 4 |"]
