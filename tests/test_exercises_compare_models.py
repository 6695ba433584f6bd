"""Notebook 05's checks: a right answer passes, plausible wrong answers and wrong kinds get a message."""

import pytest

from open_models import add_task, evaluate, load_tasks, score_answer
from open_models.evaluate import EvalResult, ItemResult, Task
from open_models.exercises.checking import PASSED, verdict
from open_models.exercises.compare_models import (
    SPIDER_REPLIES,
    check_chicken_task,
    check_own_items,
    check_pick_for_brief,
    check_spider_scores,
)


def said(check, answer, *context):
    return verdict(check.problem, check.expects, answer, *context)


def test_spider_scores():
    spider = next(task for task in load_tasks() if task.id == "spider-legs")
    right = [score_answer(reply, spider) for reply in SPIDER_REPLIES]
    assert check_spider_scores.problem(right) is None
    assert right == [1, 1, 1, 0]  # the last reply is right, but its first new number is 6
    assert said(check_spider_scores, [1, 1, 1, 1]) == "Not yet: reply 4 scores 0: its first number not in the question is 6."
    assert "reply 1" in said(check_spider_scores, [0, 1, 1, 0])
    assert "four scores, each 0 or 1" in said(check_spider_scores, [1, 1, 1])
    assert "four scores, each 0 or 1" in said(check_spider_scores, 1)
    assert "four scores, each 0 or 1" in said(check_spider_scores, [True, True, True, False])


def test_chicken_task():
    question = "How many legs does a chicken have?"
    assert check_chicken_task.problem(add_task([], question, ["2"], "food", method="number")) is None
    assert check_chicken_task.problem(add_task([], question, ["2", "two"], "food", method="number")[0]) is None
    contains = said(check_chicken_task, add_task([], question, ["2", "two"], "food")[0])
    assert "'A chicken has 4 legs, not 2.' scores 1 (it contains '2') but is wrong" in contains
    assert "'A chicken has two legs.' scores 0 (no answer in it)" in said(check_chicken_task, add_task([], question, "2")[0])
    assert "with 'exact', 'A chicken has two legs.' scores 0" in said(
        check_chicken_task, add_task([], question, "2", method="exact")[0])
    assert "the question should be" in said(check_chicken_task, add_task([], "How many wings?", "2", method="number"))
    assert "a task made with add_task(...)" in said(check_chicken_task, "2")


@pytest.fixture(scope="module")
def opposites(smollm2, gemma):
    return evaluate([smollm2, gemma], [t for t in load_tasks() if t.category == "opposites"], max_new_tokens=10)


def test_own_items(smollm2, gemma, opposites):
    food = add_task([], "What fruit is the main ingredient of guacamole?", "avocado", "food")
    food = add_task(food, "How many legs does a chicken have?", "2", "food", method="number")
    assert check_own_items.problem(evaluate([smollm2, gemma], food, max_new_tokens=6)) is None
    assert "evaluate both models" in said(check_own_items, EvalResult(
        [ItemResult("a", task, "x", 0) for task in food]))
    assert "the course's category 'opposites'" in said(check_own_items, opposites)
    one = EvalResult([ItemResult(m, food[0], "x", 0) for m in ("a", "b")])
    assert "answered 1 item" in said(check_own_items, one)
    assert "an evaluate(...) result" in said(check_own_items, food)


def test_pick_for_brief(opposites):
    scores = {m: s["opposites"] for m, s in opposites.by_category().items()}
    best = max(scores, key=scores.get)
    assert check_pick_for_brief.problem(best, opposites) is None
    worse = [m for m in scores if scores[m] < scores[best]]
    if worse:  # measured: SmolLM2 3/3, Gemma 0/3
        assert "on opposites, which the brief needs" in said(check_pick_for_brief, worse[0], opposites)
        assert "One model does well: pick it." in said(check_pick_for_brief, None, opposites)
    assert "choose one of the models" in said(check_pick_for_brief, "gpt-4o", opposites)
    assert "a model's label" in said(check_pick_for_brief, 1, opposites)
    assert "Pass your evaluation too" in said(check_pick_for_brief, best, "results")


def test_pick_for_brief_on_hand_made_results():
    up = Task("o1", "opposites", "Opposite of up?", ("down",))
    hot = Task("o2", "opposites", "Opposite of hot?", ("cold",))
    tie = EvalResult([ItemResult("a", up, "down", 1), ItemResult("a", hot, "warm", 0),
                      ItemResult("b", up, "left", 0), ItemResult("b", hot, "cold", 1)])
    assert said(check_pick_for_brief, "a", tie) == said(check_pick_for_brief, "b", tie) == PASSED
    assert said(check_pick_for_brief, None, tie) == PASSED  # half right at best: "neither" is defensible
    other = EvalResult([ItemResult("a", Task("c", "capitals", "Capital?", ("Paris",)), "Paris", 1)])
    assert "no 'opposites' tasks" in said(check_pick_for_brief, "a", other)
