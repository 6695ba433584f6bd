"""Checks for notebook 05, "Compare models on your own task".

Every expected answer is computed here from the course's own task set, scoring rule and the learner's
evaluation results, never typed in.
"""

from __future__ import annotations

from ..errors import InvalidInput
from ..evaluate import EvalResult, Task, load_tasks, numbers_in, score_answer
from ..i18n import N_, _
from .checking import exercise

# Exercise 1: four replies to the course's "spider-legs" task, scored with its own method.
SPIDER_TASK = "spider-legs"
SPIDER_REPLIES = (
    "A spider has eight legs.",
    "8",
    "Spiders have 8 legs and 2 body parts.",
    "Insects have 6 legs; spiders have 8.",
)

# Exercise 2: replies to "How many legs does a chicken have?" (a chicken has two), right and wrong.
CHICKEN_RIGHT = ("A chicken has two legs.", "2", "Chickens have 2 legs and 2 wings.")
CHICKEN_WRONG = ("A chicken has 4 legs, not 2.", "four")

# Exercise 4: the brief names the category it needs.
BRIEF_CATEGORY = "opposites"


def course_task(task_id: str) -> Task:
    return next(task for task in load_tasks() if task.id == task_id)


def why_score(reply: str, task: Task) -> str:
    """A short clause saying how the task's method read a reply."""
    if task.method == "number":
        new = [n for n in numbers_in(reply) if n not in set(numbers_in(task.prompt))] or numbers_in(reply)
        return _("its first number not in the question is {number:g}").format(number=new[0]) if new else _("no number")
    if task.method == "contains":
        found = [ref for ref in task.answers if score_answer(reply, Task("", "", "", (ref,)))]
        return _("it contains {answer!r}").format(answer=found[0]) if found else _("no answer in it")
    return _("it is exactly an answer") if score_answer(reply, task) else _("not the bare answer")


@exercise(expects=N_("four scores, each 0 or 1, e.g. [1, 0, 0, 1]"))
def check_spider_scores(predicted):
    """Predict the score of each of SPIDER_REPLIES for the task 'spider-legs'."""
    predicted = list(predicted)
    if len(predicted) != len(SPIDER_REPLIES) or any(p not in (0, 1) or isinstance(p, bool) for p in predicted):
        raise ValueError("four scores of 0 or 1")
    task = course_task(SPIDER_TASK)
    for number, (reply, guess) in enumerate(zip(SPIDER_REPLIES, predicted, strict=True), start=1):
        actual = score_answer(reply, task)
        if guess != actual:
            return _("reply {number} scores {score}: {why}.").format(number=number, score=actual,
                                                                     why=why_score(reply, task))
    return None


@exercise(expects=N_("a task made with add_task(...)"))
def check_chicken_task(task):
    """The learner's task for 'How many legs does a chicken have?' must score every right reply 1, every wrong 0."""
    if isinstance(task, list) and task:
        task = task[-1]  # the list add_task returns: its last item is the new one
    if not isinstance(task, Task):
        raise TypeError("not a Task")
    if "chicken" not in task.prompt.lower():
        return _("the question should be the one in the exercise: 'How many legs does a chicken have?'.")
    for reply in CHICKEN_RIGHT:
        if not score_answer(reply, task):
            return _("with {method!r}, {reply!r} scores 0 ({why}) but is right.").format(
                method=task.method, reply=reply, why=why_score(reply, task))
    for reply in CHICKEN_WRONG:
        if score_answer(reply, task):
            return _("with {method!r}, {reply!r} scores 1 ({why}) but is wrong.").format(
                method=task.method, reply=reply, why=why_score(reply, task))
    return None


@exercise(expects=N_("an evaluate(...) result"))
def check_own_items(own_result):
    """At least two models, at least two items each, all in one category of the learner's own."""
    if not isinstance(own_result, EvalResult):
        raise TypeError("not an EvalResult")
    if len(own_result.models) < 2:
        return _("evaluate both models (got {models}): evaluate([smol, gemma], food).").format(
            # Translators: "none" here: the evaluation has no models.
            models=own_result.models or _("none"))
    course = {task.category for task in load_tasks()}
    if set(own_result.categories) & course:
        return _("evaluate only your own items; these results include the course's category {category!r}.").format(
            category=sorted(set(own_result.categories) & course)[0])
    if len(own_result.categories) != 1:
        return _("put both items in one category of your own; found {categories}.").format(
            categories=own_result.categories)
    for model in own_result.models:
        asked = sum(item.model == model for item in own_result.items)
        if asked < 2:
            return _("{model} answered {asked} item: add at least two with add_task.").format(model=model, asked=asked)
    return None


def category_scores(result: EvalResult, category: str) -> dict[str, tuple[int, int]]:
    """model -> (right, asked) in one category of an evaluation."""
    if not isinstance(result, EvalResult):
        raise InvalidInput(_("Pass your evaluation too: check_pick_for_brief(pick, result)."))
    if category not in result.categories:
        raise InvalidInput(_("Your evaluation has no {category!r} tasks: evaluate both models on them first.").format(
            category=category))
    scores = {}
    for model in result.models:
        marks = [item.correct for item in result.items if item.model == model and item.task.category == category]
        scores[model] = (sum(marks), len(marks))
    return scores


@exercise(expects=N_("a model's label, e.g. 'gemma-3-270m', or None"))
def check_pick_for_brief(choice, result):
    """The brief needs opposites: any model with the best measured score there is right; None only if all are poor."""
    scores = category_scores(result, BRIEF_CATEGORY)
    best = max(right / asked for right, asked in scores.values())
    measured = ", ".join(f"{model} {right}/{asked}" for model, (right, asked) in scores.items())
    if choice is None:
        if best > 0.5:
            return _("on {category}: {measured}. One model does well: pick it.").format(
                category=BRIEF_CATEGORY, measured=measured)
        return None
    if not isinstance(choice, str):
        raise TypeError("not a label")
    if choice not in scores:
        return _("choose one of the models you evaluated: {models}.").format(models=", ".join(scores))
    right, asked = scores[choice]
    if right / asked < best:
        return _("on {category}, which the brief needs: {measured}.").format(category=BRIEF_CATEGORY, measured=measured)
    return None
