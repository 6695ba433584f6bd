"""Checks for notebook 09, "Make it yours: fine-tune an open model".

The expected answers come from peft itself (the size of an adapter), from the answers the learner's own
tuned model gave (the reviews it missed, the better model for a program, whether its general answers
changed) and from the course's review data; none is typed in.
"""

from __future__ import annotations

import numbers

from ..architecture import build_on_meta
from ..fine_tuning import LABELS, check_examples, is_exact_label, load_reviews, review_prompt, with_lora
from ..i18n import N_, _
from .checking import exercise

RANK = 16  # exercise 1: the rank whose adapter the learner sizes


def lora_size(loaded, rank: int) -> int:
    """Parameters peft trains for a rank-``rank`` LoRA on ``loaded``'s architecture (as ``train_lora`` adds it).

    The model is built on the meta device (shapes only), so this costs no memory and no training.
    """
    return with_lora(build_on_meta(loaded.model.config), rank).get_nb_trainable_parameters()[0]


@exercise(expects=N_("a whole number of parameters, e.g. 1234567"))
def check_lora_size(answer, loaded):
    """How many parameters a rank-16 adapter on the four attention projections trains."""
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        raise TypeError(answer)
    right = lora_size(loaded, RANK)
    if answer == right:
        return None
    layers = loaded.model.config.num_hidden_layers
    if answer == lora_size(loaded, 8):
        return _("that is the adapter at rank 8, trained above; the question is about rank 16")
    if answer * layers == right:
        return _("that is one layer's adapter: the model has {layers} layers, each with its own").format(layers=layers)
    return _("for each projection, rank × (inputs + outputs); add the four projections of a layer (k_proj and "
             "v_proj have fewer outputs than q_proj), then multiply by the number of layers")


@exercise(expects=N_("a list of review texts (strings) from the table, e.g. [] if there is none"))
def check_missed_reviews(answer, answers, model_label):
    """The held-out reviews whose answer from ``model_label`` is not exactly the label."""
    if isinstance(answer, str):
        raise TypeError(answer)
    given = {" ".join(text.split()) for text in answer}
    rows = zip(answers["review"], answers["label"], answers[model_label], strict=True)
    missed = {review for review, label, reply in rows if not is_exact_label(reply, label)}
    unknown = given - set(answers["review"])
    if unknown:
        return _("{count} of your texts are not reviews in the table: copy them whole from its review column").format(
            count=len(unknown))
    if given - missed:
        return _("{count} of your reviews were answered with exactly the label: leave those out").format(
            count=len(given - missed))
    if missed - given:
        return _("{count} more review(s) did not get exactly the label from {model}").format(
            count=len(missed - given), model=model_label)
    return None


@exercise(expects=N_("a list of training examples: dicts with a 'prompt' and an 'answer'"))
def check_my_examples(answer):
    """At least two new examples, one per label, with prompts made by review_prompt."""
    examples = check_examples(answer)
    if len(examples) < 2:
        return _("write at least two examples: one positive review and one negative review")
    known = set(load_reviews()["text"])
    for number, example in enumerate(examples, start=1):
        prompt, label = example["prompt"], example["answer"]
        text = prompt.removeprefix("Review: ").rpartition("\n")[0]
        if prompt != review_prompt(text) or not text.strip():
            return _("example {number}: build its prompt with review_prompt(your_review_text)").format(number=number)
        if text in known:
            return _("example {number} is one of the course's reviews: write a review of your own").format(number=number)
        if label not in LABELS:
            # Translators: what separates two or more names in a list of alternatives ("vLLM or SGLang").
            either = _(" or ").join(map(repr, LABELS))
            # Translators: {labels} are the labels the learner types ('positive', 'negative') joined by " or ".
            return _("example {number}: the answer must be exactly {labels}, as in training").format(
                number=number, labels=either)
    missing = set(LABELS) - {example["answer"] for example in examples}
    if missing:
        # Translators: {label} is a label the learner types: 'positive' or 'negative' (without quotes).
        return _("add a {label} review too, so that your examples teach both answers").format(label=missing.pop())
    return None


@exercise(expects=N_("a model's name, as the index of the scores table shows it"))
def check_model_for_sorting(answer, scores):
    """The model whose answers a program can read most often: the most answers that are exactly the label."""
    if answer not in scores.index:
        return _("name one of the table's models: {models}").format(models=", ".join(scores.index))
    best = scores["exactly the label"].idxmax()
    if answer == best:
        return None
    count, total = scores.loc[answer, "exactly the label"], scores.loc[answer, "reviews"]
    return _("a program can only read an answer that is exactly the label, and {model} gave one for {count} of "
             "{total} reviews; {best} did for {best_count}").format(
        model=answer, count=count, total=total, best=best, best_count=scores.loc[best, "exactly the label"])


@exercise(expects=N_('"yes" or "no"'))
def check_general_use(answer, general, base_label, tuned_label):
    """Whether the tuned model can also answer general questions as the base model did.

    ``general`` is the table ``compare`` made of both models on general questions: "no" is right when any of
    the tuned model's answers differs from the base model's.
    """
    answer = answer.strip().lower()
    if answer not in ("yes", "no"):
        raise ValueError(answer)
    replies = general.pivot(index="prompt", columns="model", values="answer")
    changed = replies[replies[base_label] != replies[tuned_label]]
    expected = "no" if len(changed) else "yes"
    if answer == expected:
        return None
    if expected == "no":
        prompt = changed.index[0]
        return _("look at the table: asked {prompt!r}, the base model wrote {base!r} and "
                 "the tuned model {tuned!r} ({changed} of {total} answers changed)").format(
            prompt=prompt, base=changed.loc[prompt, base_label], tuned=changed.loc[prompt, tuned_label],
            changed=len(changed), total=len(replies))
    return _("the tuned model answered every general question as the base model did")
