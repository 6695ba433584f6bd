"""Markdown renders as it was meant to, on GitHub and in Jupyter.

- Every table renders as one table: a row that starts after a blank line must be a header row. A blank line
  inside a table ends it, and the rows after it show as paragraphs full of "|" (the facilitator's timings
  once did).
- Chinese paragraphs are written on one line each. A line break inside a paragraph renders as a space:
  between two Chinese characters (or after Chinese punctuation) that is a stray gap. Headings, lists,
  tables, quotes, code and formulas start their own lines and are left alone; a break next to Latin text
  is harmless.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted(ROOT.glob("*.md")) + sorted((ROOT / "translations").rglob("*.md"))
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb")) + sorted((ROOT / "translations").rglob("*.ipynb"))
ZH = ROOT / "translations" / "zh"
ZH_FILES = sorted(ZH.rglob("*.md")) + sorted(ZH.rglob("*.ipynb"))
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # characters, CJK and full-width punctuation
OWN_LINE = re.compile(r"^\s*([-*+] |\d+[.)] |\||#|>|```|\$\$|<)")  # what starts a new block, not a paragraph line


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


def broken_paragraph_lines(text: str) -> list[str]:
    """Lines that end inside a paragraph (the next line continues it) next to a Chinese character."""
    lines, found, in_code = text.split("\n"), [], False
    for line, following in zip(lines, lines[1:], strict=False):  # each line with the one after it
        if line.strip().startswith("```"):
            in_code = not in_code
        if in_code or not line.strip() or not following.strip() or OWN_LINE.match(following):
            continue
        if line.strip().startswith(("|", "#", "```", "$$")) or line.endswith("  "):  # "  ": a deliberate break
            continue
        if CJK.match(line.rstrip()[-1]) or CJK.match(following.strip()[0]):
            found.append(line.strip()[-30:])
    return found


@pytest.mark.parametrize("path", ZH_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_line_break_inside_a_chinese_paragraph(path):
    assert broken_paragraph_lines(markdown_of(path)) == []


def test_a_break_inside_a_chinese_paragraph_is_found():
    assert broken_paragraph_lines("这是第一行，\n这是同一段。") == ["这是第一行，"]
    assert broken_paragraph_lines("一段。\n\n另一段。\n- 列表\n- 列表") == []
    assert broken_paragraph_lines("English text that wraps\nonto a second line.") == []
    assert broken_paragraph_lines("```\n代码\n第二行\n```") == []
