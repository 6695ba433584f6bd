"""Messages in, text out: one interface for every runtime, greedy by default, with token counts and timing.

A loaded model is a ``LoadedModel``: transformers in this process (``loading.TransformersModel``),
llama.cpp (``llamacpp.LlamaCppModel``) or a server that speaks the OpenAI chat-completions protocol
(``serving.EndpointModel``). Each one implements ``complete`` and ``has_chat_template``;
``generate`` checks the learner's input, times the call, and never needs to know which runtime answers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .catalog import ModelEntry
from .errors import InvalidInput
from .i18n import N_, _

MAX_NEW_TOKENS_LIMIT = 2048
MAX_PROMPT_CHARS = 20_000


class LoadedModel:
    """A model ready to answer, with where it came from and how long loading took."""

    backend = ""  # "transformers", "llama.cpp" or "endpoint", as load_model(backend=...) names it

    def __init__(self, entry: ModelEntry | None, source: str, load_seconds: float):
        self.entry = entry  # None for a served model that is not in the catalog
        self.source = source
        self.load_seconds = load_seconds

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def label(self) -> str:
        """The id, plus the backend when it is not transformers: how tables and results name this model."""
        return self.id if self.backend == "transformers" else f"{self.id} ({self.backend})"

    @property
    def has_chat_template(self) -> bool:
        raise NotImplementedError

    def complete(self, messages: list[dict[str, str]], max_new_tokens: int, stop: list[str]) -> tuple[str, int, int]:
        """A greedy answer as (text, prompt tokens, new tokens)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return _("{kind}({label!r}, source={source!r}, load {seconds:.1f} s)").format(
            kind=type(self).__name__, label=self.label, source=self.source, seconds=self.load_seconds)


@dataclass(frozen=True)
class Generation:
    """One answer and what it cost."""

    model_id: str
    text: str
    prompt_tokens: int
    new_tokens: int
    seconds: float

    @property
    def tokens_per_second(self) -> float:
        return self.new_tokens / self.seconds if self.seconds > 0 else 0.0

    def stats(self) -> str:
        return _("{model}: {prompt_tokens} prompt tokens, {new_tokens} new tokens in {seconds:.2f} s "
                 "({rate:.1f} tokens/s)").format(model=self.model_id, prompt_tokens=self.prompt_tokens,
                                                 new_tokens=self.new_tokens, seconds=self.seconds,
                                                 rate=self.tokens_per_second)

    def __str__(self) -> str:
        return self.text


def as_messages(prompt, system: str | None = None) -> list[dict[str, str]]:
    """A prompt string or a list of {"role", "content"} messages -> a checked message list."""
    if isinstance(prompt, str):
        messages = [{"role": "user", "content": prompt}]
    elif isinstance(prompt, (list, tuple)) and all(isinstance(m, dict) for m in prompt):
        messages = [dict(m) for m in prompt]
    else:
        raise InvalidInput(_("prompt must be a string or a list of messages like "
                             "[{{'role': 'user', 'content': 'Hello'}}], not {kind}.").format(kind=type(prompt).__name__))
    if system is not None:
        if not isinstance(system, str):
            raise InvalidInput(_("system must be a string such as 'Answer briefly.', not {kind}.").format(
                kind=type(system).__name__))
        messages.insert(0, {"role": "system", "content": system})
    for message in messages:
        if message.get("role") not in {"system", "user", "assistant"} or not isinstance(message.get("content"), str):
            raise InvalidInput(_("Each message needs a role (system, user or assistant) and a text content; "
                                 "got {message!r}.").format(message=message))
    if not any(m["role"] == "user" and m["content"].strip() for m in messages):
        raise InvalidInput(_("The prompt is empty: write a question or an instruction for the model."))
    if sum(len(m["content"]) for m in messages) > MAX_PROMPT_CHARS:
        raise InvalidInput(_("The prompt is longer than {limit:,} characters; these small models read a few "
                             "thousand tokens at most. Shorten it.").format(limit=MAX_PROMPT_CHARS))
    return messages


def plain_text(messages: list[dict[str, str]]) -> str:
    """What a base model (no chat template) reads: the messages' texts, one paragraph each."""
    return "\n\n".join(m["content"] for m in messages)


def check_stop(stop) -> list[str]:
    """None or a list of non-empty strings; anything else is refused with a message."""
    if stop is None:
        return []
    if isinstance(stop, str) or not isinstance(stop, (list, tuple)) or not all(isinstance(s, str) and s for s in stop):
        raise InvalidInput(_("stop must be a list of non-empty strings such as ['\\n']; got {stop!r}.").format(stop=stop))
    return list(stop)


def check_max_new_tokens(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_NEW_TOKENS_LIMIT:
        raise InvalidInput(_("max_new_tokens must be a whole number from 1 to {limit}; got {value!r}.").format(
            limit=MAX_NEW_TOKENS_LIMIT, value=value))
    return value


def generate(loaded: LoadedModel, prompt, *, max_new_tokens: int = 64, system: str | None = None,
             stop: list[str] | None = None) -> Generation:
    """Answer ``prompt`` (a string or a message list) with greedy decoding; return text and timings.

    ``stop``: strings that end the answer early (e.g. ``["\\n"]`` for one line); the text keeps them.
    """
    if not isinstance(loaded, LoadedModel):
        raise InvalidInput(_("generate() needs a model from load_model('<catalog id>') as its first argument."))
    max_new_tokens = check_max_new_tokens(max_new_tokens)
    messages = as_messages(prompt, system)
    stop = check_stop(stop)
    start = time.perf_counter()
    text, prompt_tokens, new_tokens = loaded.complete(messages, max_new_tokens, stop)
    return Generation(loaded.label, text, prompt_tokens, new_tokens, time.perf_counter() - start)


def next_token_odds(loaded: LoadedModel, text: str, *, temperature: float = 1.0, top: int = 5):
    """The ``top`` most likely next tokens after ``text`` (read as plain text) and their probabilities.

    Sampling draws the next token from these odds. ``temperature`` divides the model's scores before they
    become probabilities: below 1 the favourite gains, above 1 the odds even out. Greedy decoding always
    takes the first row. Needs a model in this process (load_model's default backend, transformers).
    """
    import pandas as pd
    import torch

    if getattr(loaded, "backend", None) != "transformers":
        raise InvalidInput(_("next_token_odds() needs a model from load_model('<catalog id>') with the default "
                             "backend."))
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput(_("text must be the start of a sentence, such as 'The three primary colours are'."))
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not temperature > 0:
        raise InvalidInput(_("temperature must be a number above 0, such as 0.7; got {value!r}.").format(
            value=temperature))
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= 100:
        raise InvalidInput(_("top must be a whole number from 1 to 100; got {value!r}.").format(value=top))
    inputs = loaded.tokenizer(text, return_tensors="pt")
    with torch.inference_mode():
        scores = loaded.model(**inputs).logits[0, -1].float()
    probabilities, ids = torch.softmax(scores / temperature, dim=-1).topk(top)
    return pd.DataFrame({N_("token"): [repr(loaded.tokenizer.decode(i)) for i in ids.tolist()],
                         N_("probability"): probabilities.tolist()})
