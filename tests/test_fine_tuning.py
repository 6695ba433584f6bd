"""Notebook 09's helper: scoring, training a LoRA adapter on CPU, keeping it (save, reload, merge), bad input."""

import os
from unittest import mock

import pandas as pd
import pytest
import torch

from open_models import (
    CacheUnavailable,
    InvalidInput,
    NotEnoughMemory,
    answer_reviews,
    count_parameters,
    generate,
    load_adapter,
    load_reviews,
    merge_adapter,
    review_examples,
    review_prompt,
    review_scores,
    save_adapter,
    train_lora,
)
from open_models.fine_tuning import (
    MAX_STEPS,
    _batches,
    adapter_dir,
    example_ids,
    is_exact_label,
    names_sentiment,
    progress_line,
)

SHORT = dict(steps=2, batch_size=4, progress=False)  # enough to move the loss, in a few seconds
PROMPTS = [review_prompt(text) for text in ("The soup was cold and the waiter rude.", "Lovely staff, great view.")]


@pytest.fixture(scope="module")
def examples():
    return review_examples(load_reviews("train"))


@pytest.fixture(scope="module")
def run(smollm2, examples):
    return train_lora(smollm2, examples, **SHORT)


def test_the_scores_count_exact_labels_and_named_sentiments():
    assert is_exact_label(" Positive.", "positive") and not is_exact_label("This review is positive.", "positive")
    assert names_sentiment("This review is positive.", "positive")
    assert not names_sentiment("Not negative, not positive.", "positive")  # names both: no verdict
    assert not names_sentiment("This review is neutral.", "negative")
    table = pd.DataFrame({"review": ["a", "b"], "label": ["positive", "negative"],
                          "m": ["positive", "It is negative."]})
    assert review_scores(table).loc["m"].to_dict() == {"exactly the label": 1, "right sentiment named": 2,
                                                        "reviews": 2}


def test_an_example_is_learnt_on_its_answer_only(smollm2, gemma):
    for model in (smollm2, gemma):  # with a chat template, and a base model without one
        ids, prompt_length = example_ids(model, "Review: Great.\nPositive or negative?", "positive")
        prompt = model.prompt_ids([{"role": "user", "content": "Review: Great.\nPositive or negative?"}])
        assert ids[:prompt_length] == prompt["input_ids"][0].tolist()
        assert model.tokenizer.decode(ids[prompt_length:], skip_special_tokens=True).strip() == "positive"
        assert model.tokenizer.eos_token_id in ids[prompt_length:] or "<|im_end|>" in model.tokenizer.decode(
            ids[prompt_length:])


def test_a_batch_learns_the_answers_only_and_ignores_padding(smollm2, examples):
    batch = next(_batches(smollm2, examples[:3], batch_size=3, steps=1, seed=0))
    for ids, mask, labels in zip(batch["input_ids"], batch["attention_mask"], batch["labels"], strict=True):
        learnt = ids[labels != -100]
        text = smollm2.tokenizer.decode(learnt, skip_special_tokens=True).strip()
        assert text in ("positive", "negative"), text
        assert (labels[mask == 0] == -100).all()


def test_training_lowers_the_loss_repeats_and_leaves_the_model_alone(smollm2, examples, run):
    before = {name: tensor.clone() for name, tensor in smollm2.model.state_dict().items()}
    assert run.losses[-1] < run.losses[0]
    assert run.trainable == 921_600 and run.total == count_parameters(smollm2.model) + run.trainable
    assert train_lora(smollm2, examples, **SHORT).losses == run.losses  # same seed, same run
    assert not any("lora" in name for name in smollm2.model.state_dict())
    assert all(torch.equal(before[name], tensor) for name, tensor in smollm2.model.state_dict().items())
    assert run.model.label == "smollm2-135m-instruct + LoRA"
    assert "2 steps of 4 examples" in run.summary() and "921,600" in run.summary()


@pytest.mark.parametrize("arguments, says", [
    (dict(examples=[]), "at least one training example"),
    (dict(examples=[{"prompt": "Review: ok", "answer": " "}]), "non-empty text as its 'answer'"),
    (dict(examples=["positive"]), "Example 1 is a str"),
    (dict(examples=[{"prompt": "Review: " + "very " * 400, "answer": "positive"}]), "under 256 tokens"),
    (dict(rank=0), "rank must be a whole number from 1"),
    (dict(rank="8"), "rank must be a whole number"),
    (dict(steps=0), "steps must be a whole number from 1"),
    (dict(steps=MAX_STEPS + 1), f"to {MAX_STEPS}"),
    (dict(learning_rate=0), "learning_rate must be a number between 0 and 1"),
])
def test_bad_training_input_gets_a_message(smollm2, examples, arguments, says):
    arguments = {"examples": examples[:2], **arguments}
    with pytest.raises(InvalidInput, match=says):
        train_lora(smollm2, arguments.pop("examples"), **arguments)


def test_training_that_would_not_fit_in_memory_is_refused_before_copying(smollm2, examples, monkeypatch):
    monkeypatch.setattr("open_models.loading.available_bytes", lambda: 100_000_000)
    with pytest.raises(NotEnoughMemory, match="Close other programs"):
        train_lora(smollm2, examples, **SHORT)


def test_only_a_loaded_model_can_be_trained(examples):
    with pytest.raises(InvalidInput, match="load_model"):
        train_lora("smollm2-135m-instruct", examples)


def test_progress_fits_a_line():
    line = progress_line(7, 12, 30.5, 0.0123)
    assert "7/12" in line and "loss 0.012" in line and len(line) <= 100


def test_an_adapter_is_saved_reloaded_and_merged_with_the_same_answers(smollm2, run):
    name = f"test-{os.getpid()}"
    folder = save_adapter(run.model, name)
    try:
        assert {p.name for p in folder.iterdir()} == {"adapter_model.safetensors", "adapter_config.json",
                                                      "manifest.json"}
        assert str(folder.parent.parent) not in (folder / "adapter_config.json").read_text()  # no local path
        with mock.patch.object(torch, "load", side_effect=AssertionError("an adapter must not be unpickled")):
            reloaded = load_adapter(name)  # safetensors only
        merged = merge_adapter(reloaded)
        expected = [generate(run.model, prompt, max_new_tokens=6).text for prompt in PROMPTS]
        for model in (reloaded, merged):
            assert [generate(model, prompt, max_new_tokens=6).text for prompt in PROMPTS] == expected
        assert count_parameters(merged.model) == count_parameters(smollm2.model)
        assert not any("lora" in key for key in merged.model.state_dict())
        assert type(merged.model) is type(smollm2.model)

        weights = folder / "adapter_model.safetensors"
        weights.write_bytes(weights.read_bytes()[:-8] + b"\0" * 8)  # same size, different content
        with pytest.raises(CacheUnavailable, match="was changed since it was saved"):
            load_adapter(name)
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def test_bad_adapter_names_and_missing_adapters_get_a_message(run):
    with pytest.raises(InvalidInput, match="letters, digits"):
        adapter_dir("../elsewhere")
    with pytest.raises(InvalidInput, match="No adapter named 'never-saved'"):
        load_adapter("never-saved")
    with pytest.raises(InvalidInput, match="needs the model a training run made"):
        save_adapter(run, "reviews")  # the run, not run.model
    with pytest.raises(InvalidInput, match="needs a model with an adapter"):
        merge_adapter("reviews")


def test_an_unwritable_cache_is_reported(run, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("OPEN_MODELS_CACHE", str(blocker))
    with pytest.raises(CacheUnavailable, match="OPEN_MODELS_CACHE"):
        save_adapter(run.model, "reviews")


def test_answer_reviews_puts_each_model_in_a_column(smollm2):
    reviews = load_reviews("held_out").head(2)
    table = answer_reviews([smollm2], reviews)
    assert list(table.columns) == ["review", "label", smollm2.label]
    with pytest.raises(InvalidInput, match="split must be one of"):
        load_reviews("test")
