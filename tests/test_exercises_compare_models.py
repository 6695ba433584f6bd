"""Notebook 05's checks: a right answer passes, plausible wrong answers and wrong kinds get a message."""

import pytest

from open_models import add_task, evaluate, load_tasks, score_answer
from open_models.evaluate import EvalResult, ItemResult, Task
from open_models.exercises.checking import PASSED
from open_models.exercises.compare_models import (
    SPIDER_REPLIES,
    check_chicken_task,
    check_own_items,
    check_pick_for_brief,
    check_spider_scores,
)


def test_spider_scores():
    spider = next(task for task in load_tasks() if task.id == "spider-legs")
    right = [score_answer(reply, spider) for reply in SPIDER_REPLIES]
    assert check_spider_scores.problem(right) is None
    assert right == [1, 1, 1, 0]  # the last reply is right, but its first new number is 6
    assert check_spider_scores.says([1, 1, 1, 1]) == "Not yet: reply 4 scores 0: its first number not in the question is 6."
    assert "reply 1" in check_spider_scores.says([0, 1, 1, 0])
    assert "four scores, each 0 or 1" in check_spider_scores.says([1, 1, 1])
    assert "four scores, each 0 or 1" in check_spider_scores.says(1)
    assert "four scores, each 0 or 1" in check_spider_scores.says([True, True, True, False])


def test_chicken_task():
    question = "How many legs does a chicken have?"
    assert check_chicken_task.problem(add_task([], question, ["2"], "food", method="number")) is None
    assert check_chicken_task.problem(add_task([], question, ["2", "two"], "food", method="number")[0]) is None
    contains = check_chicken_task.says(add_task([], question, ["2", "two"], "food")[0])
    assert "'A chicken has 4 legs, not 2.' scores 1 (it contains '2') but is wrong" in contains
    assert "'A chicken has two legs.' scores 0 (no answer in it)" in check_chicken_task.says(add_task([], question, "2")[0])
    assert "with 'exact', 'A chicken has two legs.' scores 0" in check_chicken_task.says(
        add_task([], question, "2", method="exact")[0])
    assert "the question should be" in check_chicken_task.says(add_task([], "How many wings?", "2", method="number"))
    assert "a task made with add_task(...)" in check_chicken_task.says("2")


@pytest.fixture(scope="module")
def opposites(smollm2, gemma):
    return evaluate([smollm2, gemma], [t for t in load_tasks() if t.category == "opposites"], max_new_tokens=10)


def test_own_items(smollm2, gemma, opposites):
    food = add_task([], "What fruit is the main ingredient of guacamole?", "avocado", "food")
    food = add_task(food, "How many legs does a chicken have?", "2", "food", method="number")
    assert check_own_items.problem(evaluate([smollm2, gemma], food, max_new_tokens=6)) is None
    assert "evaluate both models" in check_own_items.says(EvalResult(
        [ItemResult("a", task, "x", 0) for task in food]))
    assert "the course's category 'opposites'" in check_own_items.says(opposites)
    one = EvalResult([ItemResult(m, food[0], "x", 0) for m in ("a", "b")])
    assert "answered 1 item" in check_own_items.says(one)
    assert "an evaluate(...) result" in check_own_items.says(food)


def test_pick_for_brief(opposites):
    scores = {m: s["opposites"] for m, s in opposites.by_category().items()}
    best = max(scores, key=scores.get)
    assert check_pick_for_brief.problem(best, opposites) is None
    worse = [m for m in scores if scores[m] < scores[best]]
    if worse:  # measured: SmolLM2 3/3, Gemma 0/3
        assert "on opposites, which the brief needs" in check_pick_for_brief.says(worse[0], opposites)
        assert "One model does well: pick it." in check_pick_for_brief.says(None, opposites)
    assert "choose one of the models" in check_pick_for_brief.says("gpt-4o", opposites)
    assert "a model's label" in check_pick_for_brief.says(1, opposites)
    assert "Pass your evaluation too" in check_pick_for_brief.says(best, "results")


def test_pick_for_brief_on_hand_made_results():
    up = Task("o1", "opposites", "Opposite of up?", ("down",))
    hot = Task("o2", "opposites", "Opposite of hot?", ("cold",))
    tie = EvalResult([ItemResult("a", up, "down", 1), ItemResult("a", hot, "warm", 0),
                      ItemResult("b", up, "left", 0), ItemResult("b", hot, "cold", 1)])
    assert check_pick_for_brief.says("a", tie) == check_pick_for_brief.says("b", tie) == PASSED
    assert check_pick_for_brief.says(None, tie) == PASSED  # half right at best: "neither" is defensible
    other = EvalResult([ItemResult("a", Task("c", "capitals", "Capital?", ("Paris",)), "Paris", 1)])
    assert "no 'opposites' tasks" in check_pick_for_brief.says("a", other)
