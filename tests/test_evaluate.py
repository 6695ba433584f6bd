import re
from datetime import date

import pytest

from open_models.data_files import read_csv
from open_models.errors import InvalidInput
from open_models.evaluate import (
    FEW_SHOT,
    METHODS,
    TASKS_FILE,
    Task,
    add_task,
    evaluate,
    few_shot_prompt,
    first_line,
    format_accuracy,
    load_tasks,
    parse_number,
    score,
)


# --- the task set --------------------------------------------------------------------------------

def test_the_task_set_has_at_least_20_items_in_several_categories():
    tasks = load_tasks()
    assert len(tasks) >= 20
    assert len({t.category for t in tasks}) >= 5
    assert len({t.id for t in tasks}) == len(tasks)
    assert all(t.prompt and t.answers and all(t.answers) and t.method in METHODS for t in tasks)


def test_every_row_has_an_https_source_and_an_iso_date():
    for row in read_csv(TASKS_FILE):
        assert re.match(r"https://\S+$", row["source"]), row["id"]
        assert date.fromisoformat(row["retrieved"]).isoformat() == row["retrieved"], row["id"]


def test_number_answers_parse_and_no_task_repeats_a_worked_example():
    tasks = load_tasks()
    assert all(parse_number(a) is not None for t in tasks if t.method == "number" for a in t.answers)
    examples = {q for q, _ in FEW_SHOT}
    assert not examples & {t.prompt for t in tasks}


# --- scoring on hand cases -----------------------------------------------------------------------

CAPITAL = Task("c", "capitals", "What is the capital of France?", ("Paris",))
BIG = Task("b", "opposites", "What is the opposite of big?", ("small", "little"))
SUM = Task("s", "arithmetic", "What is 9 + 8?", ("17",), "number")
SPIDER = Task("l", "counting", "How many legs does a spider have?", ("8",), "number")
EXACT = Task("e", "mine", "Spell 'cat' backwards.", ("tac",), "exact")


@pytest.mark.parametrize(
    ("answer", "task", "expected"),
    [
        ("Paris", CAPITAL, 1),
        ("The capital of France is paris.", CAPITAL, 1),
        ("Lyon", CAPITAL, 0),
        ("Parisian", CAPITAL, 0),  # whole words only
        ("little", BIG, 1),
        ("smaller", BIG, 0),
        ("17", SUM, 1),
        ("9 + 8 = 17.", SUM, 1),  # numbers from the question are passed over
        ("seventeen", SUM, 1),
        ("18", SUM, 0),
        ("9", SUM, 0),
        ("", SUM, 0),
        ("A spider has eight legs.", SPIDER, 1),
        ("8 legs", SPIDER, 1),
        ("6", SPIDER, 0),
        ("Tac!", EXACT, 1),
        ("It is tac", EXACT, 0),
    ],
)
def test_score_hand_cases(answer, task, expected):
    assert score(answer, task) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("42", 42.0), ("1,000", 1000.0), ("forty-two", 42.0), ("one hundred", 100.0), ("a hundred", 100.0),
     ("two thousand", 2000.0), ("Paris", None), ("", None)],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_first_line_skips_blank_lines():
    assert first_line("\n  Rome \n\nQ: next") == "Rome"
    assert first_line("") == ""


# --- adding your own items -----------------------------------------------------------------------

def test_add_task_returns_a_new_list_with_the_item():
    tasks = load_tasks()
    mine = add_task(tasks, "What is the largest planet?", "Jupiter", "space")
    assert len(mine) == len(tasks) + 1 and len(load_tasks()) == len(tasks)
    assert mine[-1] == Task(f"space-{len(tasks) + 1}", "space", "What is the largest planet?", ("Jupiter",))
    numbered = add_task(mine, "How many legs does an ant have?", ["6", "six"], "counting", method="number")
    assert numbered[-1].answers == ("6", "six")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"prompt": " ", "answers": "x"}, "prompt is empty"),
        ({"prompt": "Q?", "answers": []}, "at least one reference answer"),
        ({"prompt": "Q?", "answers": ["", " "]}, "at least one reference answer"),
        ({"prompt": "Q?", "answers": "x", "method": "fuzzy"}, "method must be one of"),
        ({"prompt": "Q?", "answers": "many", "method": "number"}, "must be a number"),
        ({"prompt": "Q?", "answers": "x", "category": ""}, "category"),
    ],
)
def test_add_task_validates(kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        add_task(load_tasks(), **kwargs)


def test_duplicate_ids_are_refused():
    tasks = add_task([], "Q?", "x", "mine", task_id="one")
    with pytest.raises(InvalidInput, match="already a task"):
        add_task(tasks, "Q2?", "y", "mine", task_id="one")


# --- prompts and runs on the real bundled models -------------------------------------------------

def test_chat_models_get_worked_examples_as_turns_and_base_models_as_text(smollm2, gemma):
    messages = few_shot_prompt(smollm2, "What is 2 + 3?")
    assert [m["role"] for m in messages] == ["user", "assistant"] * len(FEW_SHOT) + ["user"]
    assert messages[-1]["content"] == "What is 2 + 3?"
    text = few_shot_prompt(gemma, "What is 2 + 3?")
    assert text.startswith("Q: What is the capital of Italy?\nA: Rome\n\n") and text.endswith("Q: What is 2 + 3?\nA:")


def test_evaluate_two_bundled_models_on_a_few_items(smollm2, gemma, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    tasks = [t for t in load_tasks() if t.id in {"capital-france", "add-2-3", "opposite-hot"}]
    result = evaluate([smollm2, gemma, "qwen2.5-0.5b-instruct"], tasks, max_new_tokens=8)
    assert result.models == ["smollm2-135m-instruct", "gemma-3-270m"]
    assert result.skipped["qwen2.5-0.5b-instruct"].startswith("only on the Hub")
    answers = {(i.model, i.task.id): (i.answer, i.correct) for i in result.items}
    assert answers[("gemma-3-270m", "capital-france")] == ("Paris", 1)
    assert all("\n" not in answer for answer, _ in answers.values())
    accuracy = result.accuracy()
    assert all(0 <= value <= 1 for value in accuracy.values())
    assert result.by_category()["gemma-3-270m"]["capitals"] == 1.0
    table = format_accuracy(result)
    assert table.splitlines()[0].split()[:2] == ["model", "overall"]
    assert "qwen2.5-0.5b-instruct  skipped: only on the Hub" in table


def test_evaluate_refuses_empty_task_lists(smollm2):
    with pytest.raises(InvalidInput, match="non-empty list of Task"):
        evaluate([smollm2], [])
    with pytest.raises(InvalidInput, match="non-empty list of Task"):
        evaluate([smollm2], ["What is 2 + 2?"])


def test_results_of_two_runs_combine_into_one_table(smollm2):
    tasks = load_tasks()[:2]
    first = evaluate([smollm2], tasks, max_new_tokens=6)
    combined = first.only([smollm2.label]) + evaluate(["qwen2.5-0.5b-instruct"], tasks, allow_hub=False)
    assert combined.models == [smollm2.label] and "qwen2.5-0.5b-instruct" in combined.skipped
    assert combined.accuracy() == first.accuracy()
    assert first.only([]).items == []
