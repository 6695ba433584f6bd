"""Messages in, text out: greedy by default, with token counts and timing."""

from __future__ import annotations

import time
from dataclasses import dataclass

from . import endpoint, llamacpp
from .errors import InvalidInput
from .loading import LoadedModel

MAX_NEW_TOKENS_LIMIT = 2048
MAX_PROMPT_CHARS = 20_000


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
        return (
            f"{self.model_id}: {self.prompt_tokens} prompt tokens, {self.new_tokens} new tokens "
            f"in {self.seconds:.2f} s ({self.tokens_per_second:.1f} tokens/s)"
        )

    def __str__(self) -> str:
        return self.text


def as_messages(prompt, system: str | None = None) -> list[dict[str, str]]:
    """A prompt string or a list of {"role", "content"} messages -> a checked message list."""
    if isinstance(prompt, str):
        messages = [{"role": "user", "content": prompt}]
    elif isinstance(prompt, (list, tuple)) and all(isinstance(m, dict) for m in prompt):
        messages = [dict(m) for m in prompt]
    else:
        raise InvalidInput(
            "prompt must be a string or a list of messages like "
            "[{'role': 'user', 'content': 'Hello'}], not " + type(prompt).__name__ + "."
        )
    if system is not None:
        messages.insert(0, {"role": "system", "content": system})
    for message in messages:
        if message.get("role") not in {"system", "user", "assistant"} or not isinstance(message.get("content"), str):
            raise InvalidInput(f"Each message needs a role (system, user or assistant) and a text content; got {message!r}.")
    if not any(m["role"] == "user" and m["content"].strip() for m in messages):
        raise InvalidInput("The prompt is empty: write a question or an instruction for the model.")
    if sum(len(m["content"]) for m in messages) > MAX_PROMPT_CHARS:
        raise InvalidInput(
            f"The prompt is longer than {MAX_PROMPT_CHARS:,} characters; these small models read a few "
            "thousand tokens at most. Shorten it."
        )
    return messages


def plain_text(messages: list[dict[str, str]]) -> str:
    """What a base model (no chat template) reads: the messages' texts, one paragraph each."""
    return "\n\n".join(m["content"] for m in messages)


def build_prompt_ids(loaded: LoadedModel, messages: list[dict[str, str]]):
    """Token ids for the model: its chat template if it has one, else the plain text (base models)."""
    tokenizer = loaded.tokenizer
    if tokenizer.chat_template:
        return tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
    return tokenizer(plain_text(messages), return_tensors="pt")


def _check_stop(stop) -> list[str]:
    if stop is None:
        return []
    if isinstance(stop, str) or not all(isinstance(s, str) and s for s in stop):
        raise InvalidInput(f"stop must be a list of non-empty strings such as ['\\n']; got {stop!r}.")
    return list(stop)


def generate(loaded: LoadedModel, prompt, *, max_new_tokens: int = 64, system: str | None = None,
             stop: list[str] | None = None) -> Generation:
    """Answer ``prompt`` (a string or a message list) with greedy decoding; return text and timings.

    ``stop``: strings that end the answer early (e.g. ``["\\n"]`` for one line); the text keeps them.
    """
    if not isinstance(loaded, LoadedModel):
        raise InvalidInput("generate() needs a model from load_model('<catalog id>') as its first argument.")
    if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int) or not 1 <= max_new_tokens <= MAX_NEW_TOKENS_LIMIT:
        raise InvalidInput(f"max_new_tokens must be a whole number from 1 to {MAX_NEW_TOKENS_LIMIT}; got {max_new_tokens!r}.")
    messages = as_messages(prompt, system)
    stop = _check_stop(stop)
    if loaded.backend in ("llama.cpp", "endpoint"):
        start = time.perf_counter()
        if loaded.backend == "llama.cpp":
            answer = llamacpp.complete(loaded.model, messages, plain_text(messages), max_new_tokens, stop)
        else:
            answer = endpoint.complete(loaded.model, messages, max_new_tokens, stop)
        text, prompt_tokens, new_tokens = answer
        return Generation(loaded.label, text, prompt_tokens, new_tokens, time.perf_counter() - start)
    return _generate_transformers(loaded, messages, max_new_tokens, stop)


def _stop_on_text(tokenizer, prompt_tokens: int, stop: list[str]):
    """Stop once the decoded answer contains a stop string.

    (transformers' own ``stop_strings`` first indexes the whole vocabulary, which for Gemma's 262,144
    tokens costs more than it saves; decoding a few new tokens per step is cheap.)
    """
    from transformers import StoppingCriteria

    class StopOnText(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            import torch

            text = tokenizer.decode(input_ids[0, prompt_tokens:], skip_special_tokens=True)
            return torch.full((input_ids.shape[0],), any(s in text for s in stop), dtype=torch.bool)

    return StopOnText()


def _generate_transformers(loaded: LoadedModel, messages, max_new_tokens: int, stop: list[str]) -> Generation:
    import torch

    inputs = build_prompt_ids(loaded, messages)
    prompt_tokens = inputs["input_ids"].shape[1]
    tokenizer = loaded.tokenizer
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    stopping = {"stopping_criteria": [_stop_on_text(tokenizer, prompt_tokens, stop)]} if stop else {}
    start = time.perf_counter()
    with torch.inference_mode():
        output = loaded.model.generate(
            **inputs,
            max_new_tokens=max_new_tokens,
            do_sample=False,
            temperature=None,
            top_p=None,
            top_k=None,
            pad_token_id=pad_id,
            **stopping,
        )
    seconds = time.perf_counter() - start
    new_ids = output[0, prompt_tokens:]
    text = tokenizer.decode(new_ids, skip_special_tokens=True).strip()
    return Generation(loaded.label, text, prompt_tokens, int(new_ids.shape[0]), seconds)
