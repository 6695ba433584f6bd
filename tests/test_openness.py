"""The openness scorecard on the real data (its rows are validated in test_data.py)."""

import pytest

from open_models import (
    OPENNESS_CRITERIA,
    OPENNESS_POINTS,
    cells_for,
    load_scorecard,
    openness_score,
    openness_scores,
    plot_scorecard,
    read_data,
    scorecard_table,
)
from open_models.errors import CourseError
from open_models.openness import Cell, grid, scorecard_models


def test_the_five_criteria_and_their_points():
    assert len(OPENNESS_CRITERIA) == 5 and "weights" in OPENNESS_CRITERIA
    assert OPENNESS_POINTS == {"yes": 1.0, "partial": 0.5, "no": 0.0}


def test_every_model_has_all_five_criteria():
    models = scorecard_models()
    assert len(models) >= 10
    assert all(isinstance(cell, Cell) for cell in load_scorecard())
    for model in models:
        cells = cells_for(model)
        assert sorted(c.criterion for c in cells) == sorted(OPENNESS_CRITERIA), model
        assert all(c.status in OPENNESS_POINTS and c.evidence.strip() for c in cells), model


def test_scores_on_the_real_data():
    assert openness_score("OLMo 7B") == 5.0
    assert openness_score("SmolLM2 135M") == 4.5
    assert openness_score("Llama 2 7B") == 1.0  # two partials
    assert openness_score("Gemma 3 270M") == 1.0  # Gemma terms (partial) + Google's fine-tuning code (partial)
    assert openness_score("Mixtral 8x7B") == 1.5 and openness_score("Qwen2.5 1.5B") == 1.5
    assert openness_score("GPT-4o") == 0.5
    table = openness_scores()
    assert list(table.values()) == sorted(table.values(), reverse=True)
    assert [m for m, s in table.items() if s == 5] == ["OLMo 7B", "TinyLlama 1.1B"]


def test_score_is_the_sum_of_the_rows():
    for model in scorecard_models():
        rows = cells_for(model)
        assert openness_score(model) == sum({"yes": 1, "partial": 0.5, "no": 0}[c.status] for c in rows)


def test_the_scorecard_table_has_a_row_per_model_highest_first():
    table = scorecard_table()
    assert table.index.name == "model"
    assert list(table.columns) == [*OPENNESS_CRITERIA, "score"]
    assert list(table.index) == list(openness_scores()) and list(table["score"]) == list(openness_scores().values())
    assert table.loc["OLMo 7B", "weights"] == "yes" and table.loc["GPT-4o", "weights"] == "no"
    picked = scorecard_table(["GPT-4o", "OLMo 7B"])
    assert list(picked.index) == ["GPT-4o", "OLMo 7B"] and list(picked["score"]) == [0.5, 5.0]


def test_grid_is_models_by_criteria():
    models, rows = grid(["GPT-4o", "OLMo 7B"])
    assert models == ["GPT-4o", "OLMo 7B"]
    assert rows[1] == ["yes"] * 5 and rows[0][OPENNESS_CRITERIA.index("weights")] == "no"


def test_unknown_model_raises_a_course_error_with_a_suggestion():
    with pytest.raises(CourseError, match=r"Did you mean 'OLMo 7B'\?.*Models on the scorecard"):
        openness_score("OLMo")
    with pytest.raises(CourseError, match="No scorecard for"):
        scorecard_table(["OLMo 7B", "Nobody's model"])


def test_plot_has_one_row_per_model():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plot_scorecard()
    assert len(fig.axes[0].get_yticklabels()) == len(scorecard_models())
    plt.close(fig)


def test_one_rule_scores_the_training_code():
    """yes = pre-training code published; partial = only the developer's fine-tuning code; no = neither."""
    for cell in load_scorecard():
        if cell.criterion != "training code":
            continue
        evidence = cell.evidence.lower()
        if cell.status == "yes":
            assert "pre-training" in evidence, cell
        elif cell.status == "partial":
            assert "fine-tun" in evidence and "no pre-training code" in evidence, cell
        assert cell.retrieved == "2026-12-02", cell
    code = {cell.model: cell.status for cell in load_scorecard() if cell.criterion == "training code"}
    assert code["Mistral 7B"] == code["Mixtral 8x7B"] == code["Gemma 3 270M"] == code["Llama 2 7B"] == "partial"
    assert code["Falcon 40B"] == code["GPT-4o"] == "no"


def test_licence_clauses_name_real_criteria():
    clauses = read_data("licence_clauses.csv")
    criteria = set(read_data("osi_criteria.csv")["number"].astype(int))
    assert clauses["id"].is_unique
    for row in clauses.itertuples():
        fails = {int(n) for n in row.fails.split(";") if n}
        assert fails <= criteria, row.id
        assert row.why.strip(), row.id
    llama = clauses[clauses["licence"] == "Llama 2 Community License"]
    assert any("700 million" in text for text in llama["text"])  # the OSI's first reason
