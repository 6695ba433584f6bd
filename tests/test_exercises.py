"""Exercises are tried before their answers are seen.

- a chapter notebook holds no solution: each exercise is a "your turn" cell (tag ``your-turn``) that
  calls a ``check_…`` and, as committed, shows only the reminder to answer;
- each chapter links to its solutions notebook (notebooks/solutions/, same name), where every check
  the chapter asks for is called on a worked answer and shows "Check passed." (nbval re-runs them);
- the same holds for the Chinese edition, whose checks speak Chinese (the messages as the package's
  zh catalog translates them; English where it has no translation yet).
The checks' behaviour (right answer passes, wrong answers get a message) is tested per notebook in
tests/test_exercises_<module>.py; the shared mechanism is tested here.
"""

import json
import re
from pathlib import Path

import pytest

from open_models.exercises.checking import PASSED, YOUR_TURN, exercise, verdict
from open_models.i18n import catalog

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = [ROOT / "notebooks", ROOT / "translations" / "zh" / "notebooks"]
CHAPTERS = [p for edition in EDITIONS for p in sorted(edition.glob("[0-9][0-9]-*.ipynb"))]
CHECK_CALL = re.compile(r"\b(check_\w+)\(")
NOT_YET = "Not yet: {problem}"


def shown(message, chapter):
    """``message`` as the checks print it in ``chapter``'s edition (English, or the zh catalog's Chinese)."""
    if ROOT / "translations" / "zh" not in chapter.parents:
        return message
    return catalog("zh").gettext(message)


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def printed(cell):
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))


def test_every_chapter_is_found():
    assert len(CHAPTERS) >= 16


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_chapter_has_your_turn_cells_and_no_solutions(chapter):
    notebook = cells(chapter)
    assert not [i for i, c in enumerate(notebook) if "solution" in c.get("metadata", {}).get("tags", [])], \
        "solutions belong in notebooks/solutions/, not in the chapter"
    turns = [c for c in notebook if "your-turn" in c.get("metadata", {}).get("tags", [])]
    assert len(turns) >= 3, "each chapter has at least three exercises, each with a your-turn cell"
    for cell in turns:
        assert CHECK_CALL.search(source(cell)), f"a your-turn cell calls no check: {source(cell)[:80]!r}"
        assert printed(cell).strip().splitlines()[-1:] == [shown(YOUR_TURN, chapter)], \
            f"a your-turn cell shows more than the reminder: {printed(cell)[:120]!r}"
    solutions = chapter.parent / "solutions" / chapter.name
    assert solutions.exists(), f"missing {solutions.relative_to(ROOT)}"
    assert any(f"solutions/{chapter.name}" in source(c) for c in notebook if c["cell_type"] == "markdown"), \
        "the chapter links to its solutions notebook"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_solutions_pass_every_check_the_chapter_asks_for(chapter):
    asked = {name for c in cells(chapter) if "your-turn" in c.get("metadata", {}).get("tags", [])
             for name in CHECK_CALL.findall(source(c))}
    solved = set()
    for cell in cells(chapter.parent / "solutions" / chapter.name):
        calls = CHECK_CALL.findall(source(cell)) if cell["cell_type"] == "code" else []
        if calls:
            not_yet = shown(NOT_YET, chapter).split("{problem}")[0]
            assert printed(cell).count(shown(PASSED, chapter)) == len(calls) and not_yet not in printed(cell), \
                f"a solution does not pass its check: {source(cell)[:80]!r} -> {printed(cell)[-160:]!r}"
            solved.update(calls)
    assert asked <= solved, f"checks with no worked solution: {sorted(asked - solved)}"


# --- the mechanism ------------------------------------------------------------------------------------

@exercise(expects="a number")
def check_double(answer, number):
    if answer != 2 * number:
        return f"twice {number} is not {answer}"


def test_a_check_passes_a_right_answer_and_explains_a_wrong_one(capsys):
    check_double(6, 3)
    check_double(5, 3)
    check_double(..., 3)
    check_double(None, 3)
    assert capsys.readouterr().out.splitlines() == [
        PASSED, "Not yet: twice 3 is not 5", YOUR_TURN, "Not yet: twice 3 is not None"]


def test_a_wrong_kind_of_answer_says_what_is_expected():
    assert verdict(lambda answer: None if answer + 1 else None, "a number", "three") == \
        "Not yet: the answer should be a number; got 'three' (type str)"
    assert check_double.problem(6, 3) is None


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_chapter_ends_with_a_link_onward(chapter):
    later = sorted(p.name for p in chapter.parent.glob("[0-9][0-9]-*.ipynb") if p.name > chapter.name)
    onward = f"({later[0]})" if later else "README.md)"
    last = source(cells(chapter)[-1])
    assert onward in last, f"the last cell should link to {onward.strip('()')}: {last[:120]!r}"
