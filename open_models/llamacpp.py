"""The optional llama.cpp runtime: the same bundled GGUF files, run as quantized as they ship.

``llama-cpp-python`` is not part of the default install (it compiles llama.cpp, about 5 minutes);
``pip install -r requirements-llamacpp.txt`` adds it. Without it, ``available()`` is False and
``load_model(..., backend="llama.cpp")`` says how to install it.
"""

from __future__ import annotations

import importlib.util
import os

from .catalog import ModelEntry, offline_ids
from .errors import BackendMissing, InvalidInput

INSTALL_HINT = (
    "The llama.cpp runtime is not installed. Install it with:  pip install -r requirements-llamacpp.txt  "
    "(it compiles llama.cpp: about 5 minutes, once). Until then use backend='transformers'."
)
CONTEXT_TOKENS = 4096


def available() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def threads() -> int:
    """All cores: decoding a small model is limited by memory bandwidth, and every core helps."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def load(entry: ModelEntry):
    """A ``llama_cpp.Llama`` on the model's bundled GGUF (hash-checked), ready to generate."""
    from .bundles import bundled_gguf

    if not entry.bundled:
        raise InvalidInput(
            f"The llama.cpp backend runs the bundled GGUF models ({', '.join(offline_ids())}); "
            f"{entry.id} comes from the Hub in safetensors: use backend='transformers'."
        )
    if not available():
        raise BackendMissing(INSTALL_HINT)
    from llama_cpp import Llama

    path = bundled_gguf(entry)
    return Llama(model_path=str(path), n_ctx=CONTEXT_TOKENS, n_threads=threads(), n_threads_batch=threads(),
                 verbose=False)


def has_chat_template(llama) -> bool:
    return "tokenizer.chat_template" in llama.metadata


def complete(llama, messages: list[dict[str, str]], plain_prompt: str, max_new_tokens: int,
             stop: list[str] | None = None) -> tuple[str, int, int]:
    """Greedy answer as (text, prompt tokens, new tokens): chat template if the model has one, else plain text."""
    options = dict(max_tokens=max_new_tokens, temperature=0.0, stop=stop or [])
    if has_chat_template(llama):
        result = llama.create_chat_completion(messages=messages, **options)
        text = result["choices"][0]["message"]["content"] or ""
    else:
        result = llama.create_completion(prompt=plain_prompt, **options)
        text = result["choices"][0]["text"]
    usage = result["usage"]
    return text.strip(), usage["prompt_tokens"], usage["completion_tokens"]
