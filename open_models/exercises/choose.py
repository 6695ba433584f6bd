"""Checks for notebook 07, "Choose a model".

Every expected answer is computed from the catalog (``data/models.csv``), the openness scorecard, the
memory estimate the loader uses, and the fine-tunes table the learner has on screen (live from the Hub
or the course's snapshot), never typed in.
"""

from __future__ import annotations

from ..catalog import ModelEntry, get_entry, load_catalog
from ..chooser import filter_models, scorecard_openness
from ..loading import bytes_needed
from .checking import exercise

# Exercise 1: the filters the learner combines.
APACHE = "apache-2.0"
CHINESE = "zh"
MAX_PARAMS_B = 1.0

# Exercise 4: the brief. A customer-service bot answering in Chinese, on a laptop with this much memory
# free for the model, under an OSI-approved licence (the catalog's "open-source" licence type).
BRIEF_MEMORY_GB = 8.0
BRIEF_TASK = "chat"
BRIEF_LICENSE_TYPE = "open-source"


def _ids(answer) -> list[str]:
    if isinstance(answer, str):
        raise TypeError("one id, not a list")
    if any(isinstance(item, ModelEntry) for item in answer):
        raise TypeError("catalog entries, not their ids")
    return [str(item) for item in answer]


@exercise(expects="a list of model ids, e.g. ['smollm2-135m-instruct']")
def check_apache_chinese(answer):
    """Apache-2.0, at most 1 billion parameters, and the card names Chinese itself."""
    given = _ids(answer)
    right = [entry.id for entry in filter_models(max_params_b=MAX_PARAMS_B, language=CHINESE)
             if entry.license == APACHE and CHINESE in entry.languages]
    for model_id in given:
        entry = get_entry(model_id)
        if entry.license != APACHE:
            return f"{model_id} is licensed {entry.license}, not {APACHE}: look at entry.license."
        if entry.params_b > MAX_PARAMS_B:
            return f"{model_id} has {entry.params_b:g} billion parameters, more than {MAX_PARAMS_B:g}."
        if CHINESE not in entry.languages:
            return (f"{model_id}'s card does not name Chinese ({', '.join(entry.languages)}); "
                    "'multilingual' is a broad claim, not a named language.")
    missing = [model_id for model_id in right if model_id not in given]
    if missing:
        return f"{', '.join(missing)} also qualifies: filter with max_params_b and language, then by license."
    return None


@exercise(expects="one model id, e.g. 'gemma-3-270m'")
def check_most_open_offline(answer):
    """The model that runs offline with the highest score on the openness scorecard."""
    entry = get_entry(answer)
    offline = filter_models(offline_only=True)
    best = max(offline, key=lambda e: scorecard_openness(e) or 0.0)
    if not entry.bundled:
        return f"{entry.id} is only on the Hugging Face Hub: tick \"runs offline only\" first."
    if entry.id != best.id:
        return (f"{entry.id} scores {scorecard_openness(entry) or 0:g} / 5; another offline model still "
                "matches at a higher openness setting.")
    return None


@exercise(expects="a list of model ids from the table, e.g. ['someone/some-model']")
def check_transformers_finetunes(answer, table):
    """The fine-tunes in the table whose weights are for the transformers library."""
    given = _ids(answer)
    right = list(table.index[table["library"] == "transformers"])
    for model_id in given:
        if model_id not in table.index:
            return f"{model_id} is not in the table: copy the ids from its index (the model column)."
        if model_id not in right:
            return f"{model_id}'s library is {table.loc[model_id, 'library']!r}, not 'transformers'."
    missing = [model_id for model_id in right if model_id not in given]
    if missing:
        return f"{', '.join(missing)} is for transformers too: compare the library column with 'transformers'."
    return None


def brief_problems(entry: ModelEntry) -> list[str]:
    """Why ``entry`` does not fit the brief (an empty list when it does)."""
    problems = []
    if BRIEF_TASK not in entry.tasks:
        problems.append(f"it is not made for chat (tasks: {', '.join(entry.tasks)})")
    if CHINESE not in entry.languages:
        named = ", ".join(entry.languages)
        problems.append(f"its card does not name Chinese ({named})" if named != "multilingual" else
                        "its card claims many languages for the family but does not name Chinese")
    if entry.license_type != BRIEF_LICENSE_TYPE:
        problems.append(f"its licence ({entry.license}) is not OSI-approved: its terms restrict some uses")
    needed_gb = bytes_needed(entry) / 1e9
    if needed_gb > BRIEF_MEMORY_GB:
        problems.append(f"it needs about {needed_gb:.1f} GB to load, more than {BRIEF_MEMORY_GB:g} GB")
    return problems


def brief_fits() -> list[str]:
    """Every catalog model that fits the brief: each one is a defensible pick."""
    return [entry.id for entry in load_catalog() if not brief_problems(entry)]


@exercise(expects="one model id, e.g. 'gemma-3-270m'")
def check_brief_pick(answer):
    """A chat model for Chinese customers, under an OSI-approved licence, in 8 GB of free memory."""
    entry = get_entry(answer)
    problems = brief_problems(entry)
    if problems:
        return f"{entry.id} does not fit: " + "; ".join(problems) + "."
    return None
