"""Committed notebooks are executed top to bottom, with clean outputs and nothing private in them."""

import json
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in ROOT.glob("**/*.ipynb") if not {".venv", ".ipynb_checkpoints"} & set(p.parts))

# Absolute paths of the usual kinds: home folders, system temp and install locations, Windows drives.
ABSOLUTE_PATH = re.compile(r"(/home/|/root/|/Users/|/tmp/|/opt/|/usr/|/var/|site-packages|(?<![A-Za-z])[A-Za-z]:\\)")
SECRET = re.compile(
    r"(hf_[A-Za-z0-9]{30,}|sk-[A-Za-z0-9_-]{20,}|ghp_[A-Za-z0-9]{30,}|AKIA[0-9A-Z]{16}|"
    r"(api[_-]?key|token|secret|password)\s*[=:]\s*['\"][^'\"]{8,}['\"])",
    re.IGNORECASE,
)


def output_texts(cell):
    for output in cell.get("outputs", []):
        if "text" in output:
            yield "".join(output["text"])
        for mime, value in output.get("data", {}).items():
            if mime.startswith("text/") or mime.endswith("json"):
                yield "".join(value) if isinstance(value, list) else value if isinstance(value, str) else json.dumps(value)


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_clean(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    last_count = 0
    for index, cell in enumerate(cells):
        where = f"{path.name} cell {index}"
        source = "".join(cell["source"])
        assert not SECRET.search(source), f"{where}: something that looks like a key or token"
        if cell["cell_type"] != "code":
            continue
        count = cell.get("execution_count")
        assert count is not None, f"{where}: never executed"
        assert count == last_count + 1, f"{where}: executed out of order ({count} after {last_count})"
        last_count = count
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"{where}: stored error output"
        for text in output_texts(cell):
            assert not ABSOLUTE_PATH.search(text), f"{where}: absolute path in output: {ABSOLUTE_PATH.search(text).group()}"
            assert not SECRET.search(text), f"{where}: output looks like a key or token"


MAX_OUTPUT_COLUMNS = 100  # what a notebook shows without a horizontal scroll bar, on GitHub and in Jupyter


def display_width(line: str) -> int:
    """Columns a line takes in a monospace font: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def printed_lines(cell):
    """Lines a learner reads as plain text: printed output, and text/plain results with no HTML form."""
    for output in cell.get("outputs", []):
        if output.get("name") in ("stdout", "stderr"):
            yield from "".join(output["text"]).splitlines()
        data = output.get("data", {})
        if "text/plain" in data and "text/html" not in data and "image/png" not in data:
            yield from "".join(data["text/plain"]).splitlines()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_output_lines_fit_the_page(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    wide = [(index, line) for index, cell in enumerate(cells) for line in printed_lines(cell)
            if display_width(line) > MAX_OUTPUT_COLUMNS]
    assert not wide, "\n".join(f"cell {i}: {display_width(line)} columns: {line[:80]!r}" for i, line in wide[:5])
