"""The optional llama.cpp backend: the same bundled GGUF files, run as quantized as they ship.

``llama-cpp-python`` is not part of the default install (it compiles llama.cpp, about 5 minutes);
``pip install -r requirements-llamacpp.txt`` adds it. Without it, ``llamacpp_available()`` is False
and ``load_model(..., backend="llama.cpp")`` says how to install it.
"""

from __future__ import annotations

import importlib.util
import os
import time

from .catalog import ModelEntry, offline_ids
from .errors import BackendMissing, InvalidInput
from .generation import LoadedModel, plain_text
from .i18n import N_, LazyMessage, _
from .weights import bundled_gguf

# In the current language wherever it is shown (a notebook prints it when the runtime is missing).
LLAMACPP_INSTALL_HINT = LazyMessage(N_(
    "The llama.cpp runtime is not installed. Install it with:  pip install -r requirements-llamacpp.txt  "
    "(it compiles llama.cpp: about 5 minutes, once). Until then use backend='transformers'."
))
CONTEXT_TOKENS = 4096
SOURCE_LLAMACPP = N_("bundled GGUF (llama.cpp, quantized)")  # compared in code; shown as _(model.source)


def llamacpp_available() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def threads() -> int:
    """All cores: decoding a small model is limited by memory bandwidth, and every core helps."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class LlamaCppModel(LoadedModel):
    """A ``llama_cpp.Llama`` on a bundled GGUF: it tokenizes and applies the chat template itself."""

    backend = "llama.cpp"

    def __init__(self, entry: ModelEntry, llama, load_seconds: float):
        super().__init__(entry, SOURCE_LLAMACPP, load_seconds)
        self.llama = llama

    @classmethod
    def load(cls, entry: ModelEntry) -> "LlamaCppModel":
        """Open the model's bundled GGUF (hash-checked) with llama.cpp."""
        if not entry.bundled:
            raise InvalidInput(
                _("The llama.cpp backend runs the bundled GGUF models ({models}); {model} comes from the Hub "
                  "in safetensors: use backend='transformers'.").format(
                    models=", ".join(offline_ids()), model=entry.id)
            )
        if not llamacpp_available():
            raise BackendMissing(str(LLAMACPP_INSTALL_HINT))
        from llama_cpp import Llama

        start = time.perf_counter()
        llama = Llama(model_path=str(bundled_gguf(entry)), n_ctx=CONTEXT_TOKENS, n_threads=threads(),
                      n_threads_batch=threads(), verbose=False)
        return cls(entry, llama, time.perf_counter() - start)

    @property
    def has_chat_template(self) -> bool:
        return "tokenizer.chat_template" in self.llama.metadata

    def complete(self, messages, max_new_tokens, stop):
        options = dict(max_tokens=max_new_tokens, temperature=0.0, stop=stop)
        if self.has_chat_template:
            result = self.llama.create_chat_completion(messages=messages, **options)
            text = result["choices"][0]["message"]["content"] or ""
        else:
            result = self.llama.create_completion(prompt=plain_text(messages), **options)
            text = result["choices"][0]["text"]
        usage = result["usage"]
        return text.rstrip("\ufffd").strip(), usage["prompt_tokens"], usage["completion_tokens"]
