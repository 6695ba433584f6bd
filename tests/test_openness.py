import re
from datetime import date

import pytest

from open_models.errors import CourseError, InvalidInput
from open_models.openness import (CRITERIA, Cell, cells_for, grid, load_osi_criteria, load_scorecard,
                                  plot_scorecard, score, scorecard_models, scores, validate)


def test_every_model_has_all_five_criteria_and_valid_statuses():
    models = scorecard_models()
    assert len(models) >= 10
    for model in models:
        cells = cells_for(model)
        assert sorted(c.criterion for c in cells) == sorted(CRITERIA), model
        assert all(c.status in {"yes", "partial", "no"} and c.evidence.strip() for c in cells), model


@pytest.mark.parametrize("rows", [[c.__dict__ for c in load_scorecard()], load_osi_criteria()],
                         ids=["openness.csv", "osi_criteria.csv"])
def test_every_row_is_sourced_and_dated(rows):
    for row in rows:
        assert re.match(r"^https://\S+$", row["source"]), row
        assert date.fromisoformat(row["retrieved"]) <= date.today(), row


def test_osi_definition_has_ten_numbered_criteria():
    assert [int(row["number"]) for row in load_osi_criteria()] == list(range(1, 11))


def test_scores_on_the_real_data():
    assert score("OLMo 7B") == 5.0
    assert score("SmolLM2 135M") == 4.5
    assert score("Llama 2 7B") == 1.0  # two partials
    assert score("Gemma 3 270M") == 0.5
    assert score("GPT-4o") == 0.5
    table = scores()
    assert list(table.values()) == sorted(table.values(), reverse=True)
    assert [m for m, s in table.items() if s == 5] == ["OLMo 7B", "TinyLlama 1.1B"]


def test_score_is_the_sum_of_the_rows():
    for model in scorecard_models():
        rows = cells_for(model)
        assert score(model) == sum({"yes": 1, "partial": 0.5, "no": 0}[c.status] for c in rows)


def test_grid_is_models_by_criteria():
    models, rows = grid(["GPT-4o", "OLMo 7B"])
    assert models == ["GPT-4o", "OLMo 7B"]
    assert rows[1] == ["yes"] * 5 and rows[0][CRITERIA.index("weights")] == "no"


def test_unknown_model_raises_a_course_error_with_a_suggestion():
    with pytest.raises(CourseError, match=r"Did you mean 'OLMo 7B'\?.*Models on the scorecard"):
        score("OLMo")


def test_bad_status_and_missing_criterion_are_rejected():
    good = list(cells_for("OLMo 7B"))
    bad = [Cell(**{**good[0].__dict__, "status": "maybe"})] + good[1:]
    with pytest.raises(InvalidInput, match="not one of"):
        validate(bad)
    with pytest.raises(InvalidInput, match="exactly once"):
        validate(good[1:])


def test_plot_has_one_row_per_model():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plot_scorecard()
    assert len(fig.axes[0].get_yticklabels()) == len(scorecard_models())
    plt.close(fig)
