"""Notebook 09's checks: the right answer, computed as a learner would, passes; wrong answers and wrong kinds of
answers get a message. The tables are made by hand here, shaped like the notebook's."""

import pandas as pd

from open_models import TARGET_MODULES, review_prompt
from open_models.exercises.checking import PASSED
from open_models.exercises.make_it_yours import (
    RANK,
    check_general_use,
    check_lora_size,
    check_missed_reviews,
    check_model_for_sorting,
    check_my_examples,
)

BASE, TUNED = "smollm2-135m-instruct", "smollm2-135m-instruct + LoRA"


def test_lora_size(smollm2):
    attention = smollm2.model.model.layers[0].self_attn
    per_layer = sum(RANK * (getattr(attention, name).in_features + getattr(attention, name).out_features)
                    for name in TARGET_MODULES)
    right = per_layer * smollm2.model.config.num_hidden_layers
    assert check_lora_size.problem(right, smollm2) is None
    assert "rank 8" in check_lora_size.problem(right // 2, smollm2)
    assert "one layer" in check_lora_size.problem(per_layer, smollm2)
    wide = RANK * 4 * (576 + 576) * smollm2.model.config.num_hidden_layers  # k and v taken as wide as q
    assert "fewer outputs" in check_lora_size.problem(wide, smollm2)
    assert check_lora_size.says(float(right), smollm2).startswith("Not yet: the answer should be a whole number")


ANSWERS = pd.DataFrame({
    "review": ["Great tent.", "The washer flooded.", "Awful concert."],
    "label": ["positive", "negative", "negative"],
    TUNED: ["positive", "positive", "negative"],
})


def test_missed_reviews():
    assert check_missed_reviews.problem(["The washer flooded."], ANSWERS, TUNED) is None
    assert "more review" in check_missed_reviews.problem([], ANSWERS, TUNED)
    assert "leave those out" in check_missed_reviews.problem(["The washer flooded.", "Great tent."], ANSWERS, TUNED)
    assert "not reviews in the table" in check_missed_reviews.problem(["washer"], ANSWERS, TUNED)
    assert check_missed_reviews.says("The washer flooded.", ANSWERS, TUNED).startswith("Not yet: the answer should")
    perfect = ANSWERS.assign(**{TUNED: ANSWERS["label"]})
    assert check_missed_reviews.problem([], perfect, TUNED) is None


def test_my_examples():
    mine = [{"prompt": review_prompt("The umbrella kept me dry in a gale."), "answer": "positive"},
            {"prompt": review_prompt("The umbrella turned inside out at once."), "answer": "negative"}]
    assert check_my_examples.problem(mine) is None
    assert "at least two" in check_my_examples.problem(mine[:1])
    assert "negative review too" in check_my_examples.problem([mine[0], mine[0]])
    assert "review_prompt" in check_my_examples.problem([{**mine[0], "prompt": "The umbrella is great"}, mine[1]])
    assert "exactly 'positive' or 'negative'" in check_my_examples.problem([{**mine[0], "answer": "Positive."},
                                                                            mine[1]])
    course_review = "The tent went up in minutes and kept us completely dry through a storm."
    assert "course's reviews" in check_my_examples.problem([{**mine[0], "prompt": review_prompt(course_review)},
                                                             mine[1]])
    assert "non-empty text" in check_my_examples.says([{"prompt": review_prompt("Fine."), "answer": ""}, mine[1]])
    assert check_my_examples.says(...) != PASSED


SCORES = pd.DataFrame({"exactly the label": [0, 15], "right sentiment named": [13, 15], "reviews": [16, 16]},
                      index=[BASE, TUNED])


def test_model_for_sorting():
    assert check_model_for_sorting.problem(TUNED, SCORES) is None
    assert "0 of 16" in check_model_for_sorting.problem(BASE, SCORES)
    assert "name one of the table's models" in check_model_for_sorting.problem("SmolLM2", SCORES)


def general_table(tuned_answers):
    prompts = ["What is the capital of France?", "Is a tomato a fruit or a vegetable?"]
    base_answers = ["The capital of France is Paris.", "A tomato is a fruit."]
    rows = [{"prompt": p, "model": BASE, "answer": a} for p, a in zip(prompts, base_answers, strict=True)]
    rows += [{"prompt": p, "model": TUNED, "answer": a} for p, a in zip(prompts, tuned_answers, strict=True)]
    return pd.DataFrame(rows)


def test_general_use():
    changed = general_table(["Paris", "vegetable"])
    assert check_general_use.problem("no", changed, BASE, TUNED) is None
    assert "2 of 2 answers changed" in check_general_use.problem(" Yes", changed, BASE, TUNED)
    unchanged = general_table(["The capital of France is Paris.", "A tomato is a fruit."])
    assert check_general_use.problem("yes", unchanged, BASE, TUNED) is None
    assert "as the base model did" in check_general_use.problem("no", unchanged, BASE, TUNED)
    assert check_general_use.says("maybe", changed, BASE, TUNED).startswith('Not yet: the answer should be "yes"')
    assert check_general_use.says(False, changed, BASE, TUNED).startswith("Not yet: the answer should be")
