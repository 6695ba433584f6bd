"""Notebook 03's checks: the right answer, computed as a learner would, passes; wrong answers and wrong
kinds of answers get a message."""

import pytest

from open_models import generate, next_token_odds, parameters_by_component
from open_models.exercises.checking import PASSED
from open_models.exercises.why_open import (
    CAPITAL,
    CAPITAL_QUESTION,
    HOT,
    check_embedding_share,
    check_hot_favourite,
    check_settings_for_briefs,
    check_shortest_limit,
)

START = "The three primary colours are"



def test_embedding_share(gemma):
    counts = parameters_by_component(gemma)
    share = counts["embeddings"] / sum(counts.values())
    assert check_embedding_share.problem(share, gemma) is None
    assert "divide" in check_embedding_share.problem(share / 2, gemma)
    assert "percentage" in check_embedding_share.problem(share * 100, gemma)
    assert check_embedding_share.says("most", gemma).startswith("Not yet: the answer should be a number")


def test_shortest_limit(smollm2):
    limit = 1
    while CAPITAL not in generate(smollm2, CAPITAL_QUESTION, max_new_tokens=limit).text:
        limit += 1
    assert check_shortest_limit.problem(limit, smollm2) is None
    assert "try more" in check_shortest_limit.problem(limit - 1, smollm2)
    assert "try fewer" in check_shortest_limit.problem(limit + 1, smollm2)
    assert check_shortest_limit.problem(0, smollm2).startswith("max_new_tokens counts")
    assert check_shortest_limit.says(6.0, smollm2).startswith("Not yet: the answer should be a whole number")


def test_hot_favourite(smollm2):
    right = next_token_odds(smollm2, START, temperature=HOT)["probability"].iloc[0]
    at_one = next_token_odds(smollm2, START, temperature=1.0)["probability"].iloc[0]
    assert check_hot_favourite.problem(right, smollm2, START) is None
    assert "temperature 1.0" in check_hot_favourite.problem(at_one, smollm2, START)
    assert "evens out" in check_hot_favourite.problem(0.9, smollm2, START)
    assert check_hot_favourite.says("lower", smollm2, START).startswith("Not yet: the answer should be a probability")


@pytest.mark.parametrize("demo, story", [
    ({"do_sample": False}, {"do_sample": True, "temperature": 0.8}),
    ({}, {"do_sample": True}),
    ({"do_sample": False, "temperature": 0.7}, {"do_sample": True, "temperature": 1.0, "top_p": 0.9}),
])
def test_defensible_settings_pass(demo, story):
    assert check_settings_for_briefs.problem({"classroom demo": demo, "story ideas": story}) is None


@pytest.mark.parametrize("demo, story, message", [
    ({"do_sample": True, "temperature": 0.7}, {"do_sample": True}, "greedy decoding (do_sample=False) gives one"),
    ({"do_sample": False}, {"do_sample": False}, "same idea at every run"),
    ({"do_sample": False}, {"do_sample": True, "temperature": 1.5}, "words fall apart"),
    ({"do_sample": False}, {"do_sample": True, "temperature": 0.1}, "ideas would repeat"),
    ({"do_sample": False}, {"do_sample": True, "top_p": 0.2}, "little variety"),
    ({"do_sample": False}, {"do_sample": True, "seed": 3}, "not one of the settings"),
])
def test_indefensible_settings_are_explained(demo, story, message):
    assert message in check_settings_for_briefs.problem({"classroom demo": demo, "story ideas": story})


def test_settings_of_the_wrong_kind():
    assert "missing 'story ideas'" in check_settings_for_briefs.problem({"classroom demo": {}})
    assert check_settings_for_briefs.says("greedy").startswith("Not yet: the answer should be a dict")
    assert check_settings_for_briefs.says({"classroom demo": "greedy", "story ideas": {}}).startswith(
        "Not yet: the answer should be a dict")
    assert check_settings_for_briefs.says({"classroom demo": {}, "story ideas": {"do_sample": True}}) == PASSED


def test_next_token_odds_refuses_bad_input_with_a_message(smollm2):
    from open_models import InvalidInput

    odds = next_token_odds(smollm2, START, top=3)
    assert list(odds.columns) == ["token", "probability"] and len(odds) == 3
    assert odds["probability"].is_monotonic_decreasing
    for bad in [dict(text=""), dict(temperature=0), dict(temperature="hot"), dict(top=0)]:
        with pytest.raises(InvalidInput):
            next_token_odds(smollm2, **{"text": START, **bad})
    with pytest.raises(InvalidInput, match="load_model"):
        next_token_odds("smollm2-135m-instruct", START)
