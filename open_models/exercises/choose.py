"""Checks for notebook 07, "Choose a model".

Every expected answer is computed from the catalog (``data/models.csv``), the openness scorecard, the
memory estimate the loader uses, and the fine-tunes table the learner has on screen (live from the Hub
or the course's snapshot), never typed in.
"""

from __future__ import annotations

from ..catalog import ModelEntry, get_entry, load_catalog
from ..chooser import filter_models, scorecard_openness
from ..i18n import N_, _
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


@exercise(expects=N_("a list of model ids, e.g. ['smollm2-135m-instruct']"))
def check_apache_chinese(answer):
    """Apache-2.0, at most 1 billion parameters, and the card names Chinese itself."""
    given = _ids(answer)
    right = [entry.id for entry in filter_models(max_params_b=MAX_PARAMS_B, language=CHINESE)
             if entry.license == APACHE and CHINESE in entry.languages]
    for model_id in given:
        entry = get_entry(model_id)
        if entry.license != APACHE:
            return _("{model} is licensed {license}, not {wanted}: look at entry.license.").format(
                model=model_id, license=entry.license, wanted=APACHE)
        if entry.params_b > MAX_PARAMS_B:
            return _("{model} has {params:g} billion parameters, more than {limit:g}.").format(
                model=model_id, params=entry.params_b, limit=MAX_PARAMS_B)
        if CHINESE not in entry.languages:
            return _("{model}'s card does not name Chinese ({languages}); "
                     "'multilingual' is a broad claim, not a named language.").format(
                model=model_id, languages=", ".join(entry.languages))
    missing = [model_id for model_id in right if model_id not in given]
    if missing:
        return _("{models} also qualifies: filter with max_params_b and language, then by license.").format(
            models=", ".join(missing))
    return None


@exercise(expects=N_("one model id, e.g. 'gemma-3-270m'"))
def check_most_open_offline(answer):
    """The model that runs offline with the highest score on the openness scorecard."""
    entry = get_entry(answer)
    offline = filter_models(offline_only=True)
    best = max(offline, key=lambda e: scorecard_openness(e) or 0.0)
    if not entry.bundled:
        return _("{model} is only on the Hugging Face Hub: tick \"runs offline only\" first.").format(model=entry.id)
    if entry.id != best.id:
        return _("{model} scores {score:g} / 5; another offline model still "
                 "matches at a higher openness setting.").format(model=entry.id, score=scorecard_openness(entry) or 0)
    return None


@exercise(expects=N_("a list of model ids from the table, e.g. ['someone/some-model']"))
def check_transformers_finetunes(answer, table):
    """The fine-tunes in the table whose weights are for the transformers library."""
    given = _ids(answer)
    right = list(table.index[table["library"] == "transformers"])
    for model_id in given:
        if model_id not in table.index:
            return _("{model} is not in the table: copy the ids from its index (the model column).").format(
                model=model_id)
        if model_id not in right:
            return _("{model}'s library is {library!r}, not 'transformers'.").format(
                model=model_id, library=table.loc[model_id, "library"])
    missing = [model_id for model_id in right if model_id not in given]
    if missing:
        return _("{models} is for transformers too: compare the library column with 'transformers'.").format(
            models=", ".join(missing))
    return None


def brief_problems(entry: ModelEntry) -> list[str]:
    """Why ``entry`` does not fit the brief (an empty list when it does)."""
    problems = []
    if BRIEF_TASK not in entry.tasks:
        problems.append(_("it is not made for chat (tasks: {tasks})").format(tasks=", ".join(entry.tasks)))
    if CHINESE not in entry.languages:
        named = ", ".join(entry.languages)
        problems.append(_("its card does not name Chinese ({languages})").format(languages=named)
                        if named != "multilingual" else
                        _("its card claims many languages for the family but does not name Chinese"))
    if entry.license_type != BRIEF_LICENSE_TYPE:
        problems.append(_("its licence ({license}) is not OSI-approved: its terms restrict some uses").format(
            license=entry.license))
    needed_gb = bytes_needed(entry) / 1e9
    if needed_gb > BRIEF_MEMORY_GB:
        problems.append(_("it needs about {needed:.1f} GB to load, more than {limit:g} GB").format(
            needed=needed_gb, limit=BRIEF_MEMORY_GB))
    return problems


def brief_fits() -> list[str]:
    """Every catalog model that fits the brief: each one is a defensible pick."""
    return [entry.id for entry in load_catalog() if not brief_problems(entry)]


@exercise(expects=N_("one model id, e.g. 'gemma-3-270m'"))
def check_brief_pick(answer):
    """A chat model for Chinese customers, under an OSI-approved licence, in 8 GB of free memory."""
    entry = get_entry(answer)
    problems = brief_problems(entry)
    if problems:
        # Translators: what separates the reasons a model does not fit the brief ("it is not made for chat ...").
        reasons = _("; ").join(problems)
        # Translators: {problems} is the list of reasons, joined by the "; " message.
        return _("{model} does not fit: {problems}.").format(model=entry.id, problems=reasons)
    return None
