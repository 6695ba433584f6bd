"""The course map in each README points at real places: every "(cell N)" reference names a section
heading of cell N of that notebook, so a map entry goes stale loudly when cells move."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
READMES = [ROOT / "README.md", ROOT / "translations" / "zh" / "README.md"]
# [04 · The families at a glance](notebooks/04-model-families.ipynb) (cell 2)   |   …（单元格 2）
REFERENCE = re.compile(r"\[\d\d · ([^\]]+)\]\(([^)]+\.ipynb)\)\s*(?:\(cell (\d+)\)|（单元格 (\d+)）)")


def course_map(readme: Path) -> str:
    text = readme.read_text(encoding="utf-8")
    start = re.search(r"^## (Course map|课程地图)$", text, re.MULTILINE)
    assert start, f"{readme.relative_to(ROOT)} has no course map section"
    end = re.search(r"^## ", text[start.end():], re.MULTILINE)
    return text[start.end(): start.end() + end.start() if end else None]


@pytest.mark.parametrize("readme", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_map_reference_names_its_cell(readme):
    references = REFERENCE.findall(course_map(readme))
    assert len(references) >= 10, "the map covers the lesson's goals and sections"
    wrong = []
    for heading, target, cell, cell_zh in references:
        cells = json.loads((readme.parent / target).read_text(encoding="utf-8"))["cells"]
        index = int(cell or cell_zh)
        lines = "".join(cells[index]["source"]).splitlines() if index < len(cells) else []
        headings = [line for line in lines if line.startswith("#")]
        if cells[index]["cell_type"] != "markdown" or not any(heading in line for line in headings):
            wrong.append(f"{target} cell {index} has the headings {headings}, none of them {heading!r}")
    assert not wrong, "\n".join(wrong)


def test_the_map_reference_pattern_reads_both_languages():
    text = ("[02 · Open source](notebooks/02-x.ipynb) (cell 2) and "
            "[02 · 开源](notebooks/02-x.ipynb)（单元格 3）")
    assert REFERENCE.findall(text) == [("Open source", "notebooks/02-x.ipynb", "2", ""),
                                       ("开源", "notebooks/02-x.ipynb", "", "3")]
