"""Checks for notebook 02, "What makes a model open".

Every expected answer is computed from the course's scorecard (``data/openness.csv``), the Open Source
Definition's criteria (``data/osi_criteria.csv``) and the licence clauses (``data/licence_clauses.csv``),
never typed in.
"""

from __future__ import annotations

from ..catalog import read_rows
from ..i18n import N_, _
from ..openness import cells_for, openness_score, openness_scores
from .checking import exercise

# Exercise 2: the model whose score the learner adds up by hand.
HAND_SCORED = "Llama 2 7B"

# Exercise 3: to reproduce a model from scratch, both of these must be published in full.
REPRODUCE_NEEDS = ("training data", "training code")

# Exercise 4: the clauses the learner judges (notebook 02 explains the other Llama 2 clauses first).
JUDGED_CLAUSES = ("gemma-use-restrictions", "llama2-other-models", "apache-copy-of-licence", "apache-grant")


def criterion_names() -> dict[int, str]:
    return {int(row["number"]): row["name"] for row in read_rows("osi_criteria.csv")}


def clauses() -> dict[str, dict]:
    return {row["id"]: row for row in read_rows("licence_clauses.csv")}


def breaks(clause: dict) -> set[int]:
    """The Open Source Definition criteria a clause breaks (empty: an open-source licence may contain it)."""
    return {int(number) for number in clause["fails"].split(";") if number}


@exercise(expects=N_("a list of model names, e.g. ['OLMo 7B']"))
def check_full_marks(answer):
    """The models that score 5 out of 5."""
    if isinstance(answer, str):
        raise TypeError("one name, not a list")
    given = [str(name) for name in answer]
    right = [model for model, score in openness_scores().items() if score == 5]
    for name in given:
        if name not in right:
            return _("{name} scores {score:g}, not 5: not every one of its five rows is 'yes'.").format(
                name=name, score=openness_score(name))
    missing = [model for model in right if model not in given]
    if missing:
        return _("{models} also scores 5: look at every row of openness_scores().").format(models=", ".join(missing))
    return None


@exercise(expects=N_("a number, e.g. 2.5"))
def check_llama_score(answer):
    """Llama 2's score, added up from its five rows."""
    right = openness_score(HAND_SCORED)
    if abs(float(answer) - right) > 1e-9:
        statuses = ", ".join(cell.status for cell in cells_for(HAND_SCORED))
        return _("its rows are {statuses}: add 1 per 'yes' and 0.5 per 'partial' (OPENNESS_POINTS).").format(
            statuses=statuses)
    return None


@exercise(expects=N_("one model name from the scorecard, e.g. 'Mistral 7B'"))
def check_reproducible_pick(answer):
    """A model a lab could retrain from scratch: training data and training code both 'yes'."""
    if not isinstance(answer, str):
        raise TypeError("not a name")
    missing = [cell for cell in cells_for(answer) if cell.criterion in REPRODUCE_NEEDS and cell.status != "yes"]
    if missing:
        cell = missing[0]
        return _("{model}'s {criterion} is '{status}' ({evidence}): the lab could not retrain it.").format(
            model=answer, criterion=_(cell.criterion), status=cell.status, evidence=cell.evidence)
    return None


@exercise(expects=N_("a dict from clause id to a criterion number or None, e.g. {'apache-grant': None, ...}"))
def check_clause_verdicts(answer):
    """For each judged clause: the criterion it breaks, or None when an open-source licence may contain it."""
    if not isinstance(answer, dict):
        raise TypeError("not a dict")
    known = clauses()
    unknown = [key for key in answer if key not in JUDGED_CLAUSES]
    if unknown:
        return _("{clause!r} is not one of the clauses to judge: {clauses}.").format(
            clause=unknown[0], clauses=", ".join(JUDGED_CLAUSES))
    missing = [key for key in JUDGED_CLAUSES if key not in answer]
    if missing:
        return _("give a verdict for every clause; missing: {missing}.").format(missing=", ".join(missing))
    names = criterion_names()
    for key in JUDGED_CLAUSES:
        verdict, broken, why = answer[key], breaks(known[key]), known[key]["why"]
        if verdict is None:
            if broken:
                return _("{clause} keeps a licence from being open source: {why}.").format(clause=key, why=why)
            continue
        if isinstance(verdict, bool) or not isinstance(verdict, int) or verdict not in names:
            return _("{clause}: give a criterion number from 1 to 10, or None.").format(clause=key)
        if not broken:
            return _("{clause} is fine in an open-source licence: {why}.").format(clause=key, why=why)
        if verdict not in broken:
            return _("{clause} does not break criterion {number} ({name}): {why}.").format(
                clause=key, number=verdict, name=names[verdict], why=why)
    return None
