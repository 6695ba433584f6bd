"""The same prompts through several models (compare), then a scored task set (evaluate), on the real bundled models.

The task file's sources and dates are checked in test_data.py.
"""

import importlib

import pytest

from open_models.errors import HubUnavailable, InvalidInput, NotEnoughMemory, UnknownModelError
from open_models.evaluate import (
    FEW_SHOT,
    METHODS,
    EvalResult,
    ItemResult,
    Task,
    add_task,
    check_models,
    check_prompts,
    compare,
    evaluate,
    few_shot_prompt,
    first_line,
    load_models,
    load_tasks,
    parse_number,
    score_answer,
    skip_reason,
)

# open_models.evaluate is also the name of the function the package exports, so reach the module this way
evaluate_module = importlib.import_module("open_models.evaluate")

# --- the same prompts through several models ---------------------------------------------------------

COLUMNS = ["prompt", "model", "answer", "new_tokens", "seconds", "tokens_per_second", "skipped"]


def test_same_prompt_through_two_bundled_models(smollm2, gemma):
    table = compare([smollm2, gemma], ["What is the capital of France?"], max_new_tokens=8)
    assert list(table.columns) == COLUMNS
    assert list(table["model"]) == ["smollm2-135m-instruct", "gemma-3-270m"]
    assert table.loc[0, "answer"] == "The capital of France is Paris."
    assert (table["skipped"] == "").all() and table["new_tokens"].between(1, 8).all() and (table["seconds"] > 0).all()
    assert table.loc[1, "tokens_per_second"] == pytest.approx(table.loc[1, "new_tokens"] / table.loc[1, "seconds"])


def test_a_hub_only_model_is_skipped_offline_not_fatal(smollm2, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    table = compare([smollm2, "qwen2.5-0.5b-instruct"], ["Hi", "Name a colour."], max_new_tokens=4)
    assert len(table) == 4 and list(table["prompt"]) == ["Hi", "Hi", "Name a colour.", "Name a colour."]
    skipped = table[table["model"] == "qwen2.5-0.5b-instruct"]
    assert skipped["skipped"].str.startswith("only on the Hub (Qwen/Qwen2.5-0.5B-Instruct)").all()
    assert (skipped["answer"] == "").all() and (skipped["new_tokens"] == 0).all()
    assert (table.loc[table["model"] == "smollm2-135m-instruct", "skipped"] == "").all()


def test_each_id_loads_once(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    calls = []

    def fake_load(model_id, allow_hub=True):
        calls.append(model_id)
        raise HubUnavailable("offline")

    monkeypatch.setattr(evaluate_module, "load_model", fake_load)
    ready = load_models(["qwen2.5-0.5b-instruct", " qwen2.5-0.5b-instruct"])
    assert calls == ["qwen2.5-0.5b-instruct"] and len(ready) == 2
    assert all(loaded is None and reason.startswith("only on the Hub") for _, loaded, reason in ready)


def test_skip_reasons_are_short():
    assert skip_reason("qwen2.5-0.5b-instruct", HubUnavailable("long text")) == (
        "only on the Hub (Qwen/Qwen2.5-0.5B-Instruct), which is switched off or unreachable here")
    memory = NotEnoughMemory("x needs about 7.5 GB. Close other programs. Models that fit: a.")
    assert skip_reason("smollm2-1.7b-instruct", memory) == "x needs about 7.5 GB"
    assert skip_reason("m", OSError("disk full. Free some space.")) == "could not load (OSError: disk full)"


def test_models_are_checked_before_anything_loads(smollm2):
    assert check_models("smollm2-135m-instruct") == ["smollm2-135m-instruct"]
    assert check_models(smollm2) == [smollm2]
    with pytest.raises(InvalidInput, match="at least one model"):
        check_models([])
    with pytest.raises(InvalidInput, match="catalog id"):
        check_models([smollm2, 42])
    with pytest.raises(UnknownModelError):
        check_models(["smollm2-135m-instruct", "smollm-135m"])


def test_empty_inputs_get_messages(smollm2):
    with pytest.raises(InvalidInput, match="at least one model"):
        compare([], ["Hi"])
    with pytest.raises(InvalidInput, match="at least one prompt"):
        compare([smollm2], [])
    with pytest.raises(InvalidInput, match="non-empty string"):
        check_prompts(["Hi", "  "])
    with pytest.raises(InvalidInput, match="catalog id"):
        compare([42], ["Hi"])
    assert check_prompts("Hi") == ["Hi"]


def test_unknown_ids_fail_before_anything_loads():
    with pytest.raises(UnknownModelError, match="Did you mean 'smollm2-135m-instruct'"):
        compare(["smollm2-135m-instruct", "smollm-135m"], ["Hi"])


# --- the task set --------------------------------------------------------------------------------

def test_the_task_set_has_at_least_20_items_in_several_categories():
    tasks = load_tasks()
    assert len(tasks) >= 20
    assert len({t.category for t in tasks}) >= 5
    assert len({t.id for t in tasks}) == len(tasks)
    assert all(t.prompt and t.answers and all(t.answers) and t.method in METHODS for t in tasks)


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
    assert score_answer(answer, task) == expected


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
    table = result.accuracy_table()
    assert table.index.name == "model"
    assert list(table.index) == ["smollm2-135m-instruct", "gemma-3-270m", "qwen2.5-0.5b-instruct"]
    assert list(table.columns) == ["overall", "capitals", "arithmetic", "opposites", "skipped"]
    assert table.loc["gemma-3-270m", "capitals"] == "1/1"
    right = sum(i.correct for i in result.items if i.model == "gemma-3-270m")
    assert table.loc["gemma-3-270m", "overall"] == f"{right}/3" and table.loc["gemma-3-270m", "skipped"] == ""
    assert table.loc["qwen2.5-0.5b-instruct", "skipped"].startswith("only on the Hub")
    assert table.loc["qwen2.5-0.5b-instruct", "overall"] == ""
    answers_table = result.answers_table()
    assert answers_table.index.name == "task" and list(answers_table.columns) == result.models
    assert set(answers_table.index) == {t.id for t in tasks}
    assert answers_table.loc["capital-france", "gemma-3-270m"] == "✓ Paris"


def test_the_tables_on_hand_made_results():
    right, wrong = Task("t1", "capitals", "Capital of France?", ("Paris",)), Task("t2", "maths", "2 + 2?", ("4",))
    result = EvalResult([ItemResult("a", right, "Paris", 1), ItemResult("a", wrong, "5", 0),
                         ItemResult("b", right, "Lyon", 0), ItemResult("b", wrong, "4", 1)], {"c": "too big"})
    accuracy = result.accuracy_table()
    assert accuracy.to_dict("index") == {
        "a": {"overall": "1/2", "capitals": "1/1", "maths": "0/1", "skipped": ""},
        "b": {"overall": "1/2", "capitals": "0/1", "maths": "1/1", "skipped": ""},
        "c": {"overall": "", "capitals": "", "maths": "", "skipped": "too big"},
    }
    assert result.answers_table().to_dict("index") == {"t1": {"a": "✓ Paris", "b": "✗ Lyon"},
                                                       "t2": {"a": "✗ 5", "b": "✓ 4"}}
    assert result.answers_table("maths").to_dict("index") == {"t2": {"a": "✗ 5", "b": "✓ 4"}}
    with pytest.raises(InvalidInput, match="choose one of capitals, maths"):
        result.answers_table("colours")
    assert "skipped" not in EvalResult(result.items).accuracy_table().columns  # only when a model was skipped


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
