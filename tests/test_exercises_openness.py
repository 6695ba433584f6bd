"""The checks of notebook 02: a right answer (computed as a learner would) passes; wrong ones get a reason."""

from open_models import OPENNESS_POINTS, cells_for, openness_scores, scorecard_table
from open_models.exercises.checking import PASSED
from open_models.exercises.openness import (
    JUDGED_CLAUSES,
    breaks,
    check_clause_verdicts,
    check_full_marks,
    check_llama_score,
    check_reproducible_pick,
    clauses,
)


def test_full_marks():
    right = [model for model, score in openness_scores().items() if score == 5]
    assert right == ["OLMo 7B", "TinyLlama 1.1B"]
    assert check_full_marks.problem(right) is None
    assert check_full_marks.problem(list(reversed(right))) is None  # any order
    assert "SmolLM2 135M scores 4.5, not 5" in check_full_marks.says([*right, "SmolLM2 135M"])
    assert "TinyLlama 1.1B also scores 5" in check_full_marks.says(["OLMo 7B"])
    assert "Did you mean" in check_full_marks.says(["OLMo"])  # not a scorecard name
    assert "should be a list of model names" in check_full_marks.says("OLMo 7B")


def test_llama_score():
    by_hand = sum(OPENNESS_POINTS[cell.status] for cell in cells_for("Llama 2 7B"))
    assert check_llama_score.problem(by_hand) is None
    assert "add 1 per 'yes' and 0.5 per 'partial'" in check_llama_score.says(by_hand + 0.5)
    assert "should be a number" in check_llama_score.says("one")


def test_reproducible_pick_accepts_every_fully_open_recipe():
    table = scorecard_table()
    fully_open = list(table.index[(table["training data"] == "yes") & (table["training code"] == "yes")])
    assert fully_open == ["OLMo 7B", "TinyLlama 1.1B", "SmolLM2 135M"]
    for model in fully_open:
        assert check_reproducible_pick.problem(model) is None
    assert "Mistral 7B's training data is 'no'" in check_reproducible_pick.says("Mistral 7B")
    assert "Llama 2 7B's training data is 'no'" in check_reproducible_pick.says("Llama 2 7B")
    assert "Falcon 40B's training data is 'partial'" in check_reproducible_pick.says("Falcon 40B")
    assert "should be one model name" in check_reproducible_pick.says(["OLMo 7B"])


def test_clause_verdicts_accept_every_defensible_criterion():
    table = clauses()
    right = {key: (min(breaks(table[key])) if breaks(table[key]) else None) for key in JUDGED_CLAUSES}
    assert right == {"gemma-use-restrictions": 6, "llama2-other-models": 6,
                     "apache-copy-of-licence": None, "apache-grant": None}
    assert check_clause_verdicts.problem(right) is None
    assert breaks(table["llama2-700m-users"]) == {5, 6}  # the OSI names both for the 700 million clause

    assert "keeps a licence from being open source" in check_clause_verdicts.says({**right, "llama2-other-models": None})
    assert "apache-copy-of-licence is fine" in check_clause_verdicts.says({**right, "apache-copy-of-licence": 7})
    assert "does not break criterion 1 (Free Redistribution)" in \
        check_clause_verdicts.says({**right, "gemma-use-restrictions": 1})
    assert "from 1 to 10, or None" in check_clause_verdicts.says({**right, "apache-grant": "none"})
    assert "from 1 to 10, or None" in check_clause_verdicts.says({**right, "gemma-use-restrictions": 11})
    assert "missing: apache-grant" in check_clause_verdicts.says({k: v for k, v in right.items() if k != "apache-grant"})
    assert "is not one of the clauses" in check_clause_verdicts.says({**right, "llama2-700m-users": 5})
    assert "should be a dict" in check_clause_verdicts.says([6, 6, None, None])
    assert check_clause_verdicts.says(right) == PASSED
