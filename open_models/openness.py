"""The openness scorecard: which of five artefacts each model's developer has published.

``data/openness.csv`` is in long format, one row per (model, criterion), so every cell of the
scorecard carries its own evidence, source URL and retrieval date. A cell's status is ``yes``,
``partial`` or ``no``; a model's score adds 1 per ``yes`` and 0.5 per ``partial`` (0 to 5).

One rule scores the ``training code`` column for every model:

- ``yes``: the developer published the code (or the framework and exact configs) that pre-trained the
  released weights;
- ``partial``: no pre-training code, but the developer publishes, in its own repository or docs, runnable
  fine-tuning code (full or parameter-efficient) for these weights; a later release counts;
- ``no``: neither. Third-party tools and guides (Unsloth, Axolotl, blog posts by others) and hosted
  fine-tuning services (an API, no code) do not count.

``data/licence_clauses.csv`` holds single licence clauses, each with the Open Source Definition criteria
it breaks (``fails``: numbers separated by ``;``, empty when an open-source licence may contain it) and
why; notebook 02 and its exercises read it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from .catalog import read_rows
from .errors import UnknownModelError
from .i18n import N_, _, language

# The five things to publish, in the order the seed lists them (its last item, "full weights and
# training metrics", repeats the weights, so its new part becomes "training logs").
# Criteria and statuses stay English in the data (code compares them; the scorecard table's headers and
# cells are shown translated by ``translated_frame``), so they are only marked here.
OPENNESS_CRITERIA = (N_("training data"), N_("weights"), N_("evaluation code"), N_("training code"),
                     N_("training logs"))
OPENNESS_POINTS = {N_("yes"): 1.0, N_("partial"): 0.5, N_("no"): 0.0}
COLOURS = {"yes": "#2e7d32", "partial": "#f9a825", "no": "#c62828"}


@dataclass(frozen=True)
class Cell:
    """One scorecard cell: what a model's developer published for one criterion, and where it says so."""

    model: str
    criterion: str
    status: str
    evidence: str
    source: str
    retrieved: str


def load_scorecard() -> tuple[Cell, ...]:
    """Every cell of the scorecard (``data/openness.csv``), in file order, its evidence in the course language."""
    return _scorecard(language())


@lru_cache(maxsize=4)
def _scorecard(language: str) -> tuple[Cell, ...]:  # one copy per language: set_language may come later
    return tuple(Cell(**row) for row in read_rows("openness.csv"))


def scorecard_models() -> list[str]:
    return list(dict.fromkeys(cell.model for cell in load_scorecard()))


def cells_for(model: str) -> list[Cell]:
    """The five cells of one model; an unknown name gets the closest match and the full list."""
    cells = [cell for cell in load_scorecard() if cell.model == model]
    if cells:
        return cells
    known = scorecard_models()
    close = difflib.get_close_matches(str(model), known, n=1, cutoff=0.4)
    if close:
        raise UnknownModelError(
            _("No scorecard for {model!r}. Did you mean {close!r}? Models on the scorecard: {models}.").format(
                model=model, close=close[0], models=", ".join(known)))
    raise UnknownModelError(_("No scorecard for {model!r}. Models on the scorecard: {models}.").format(
        model=model, models=", ".join(known)))


def openness_score(model: str) -> float:
    """Openness score from 0 to 5: 1 per published criterion, 0.5 per partial one."""
    return sum(OPENNESS_POINTS[cell.status] for cell in cells_for(model))


def openness_scores() -> dict[str, float]:
    """Every model's score, highest first (file order breaks ties)."""
    table = {model: openness_score(model) for model in scorecard_models()}
    return dict(sorted(table.items(), key=lambda item: -item[1]))


def scorecard_table(models: list[str] | None = None):
    """The scorecard as a DataFrame: one row per model (highest score first), a column per criterion, the score."""
    import pandas as pd

    models = list(models) if models is not None else list(openness_scores())
    rows = {model: {cell.criterion: cell.status for cell in cells_for(model)} for model in models}
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(OPENNESS_CRITERIA))
    table[N_("score")] = [openness_score(model) for model in models]
    table.index.name = N_("model")
    return table


def grid(models: list[str] | None = None) -> tuple[list[str], list[list[str]]]:
    """The statuses as a grid for plotting: (models, rows), one row per model in CRITERIA order."""
    table = scorecard_table(models)
    return list(table.index), table[list(OPENNESS_CRITERIA)].values.tolist()


def plot_scorecard(models: list[str] | None = None, ax=None):
    """Draw the scorecard as a coloured grid (models x criteria) with each model's score; return the figure."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    names, rows = grid(models)
    order = list(OPENNESS_POINTS)  # yes, partial, no -> colour index 0, 1, 2
    values = [[order.index(status) for status in row] for row in rows]
    if ax is None:
        ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.6))[1]
    ax.imshow(values, cmap=ListedColormap([COLOURS[s] for s in order]), vmin=0, vmax=len(order) - 1, aspect="auto")
    for y, row in enumerate(rows):  # the word too, not only the colour
        for x, status in enumerate(row):
            ax.text(x, y, _(status), ha="center", va="center", color="black" if status == "partial" else "white",
                    fontsize=8)
    ax.set_xticks(range(len(OPENNESS_CRITERIA)), labels=[_(criterion) for criterion in OPENNESS_CRITERIA])
    ax.set_yticks(range(len(names)), labels=[f"{name}  ({openness_score(name):g}/5)" for name in names])
    ax.tick_params(top=True, bottom=False, labeltop=True, labelbottom=False)
    ax.set_xticks([x - 0.5 for x in range(1, len(OPENNESS_CRITERIA))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(names))], minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    ax.legend(handles=[Patch(color=COLOURS[s], label=_(s)) for s in order], loc="upper center",
              bbox_to_anchor=(0.5, -0.02), ncol=3, frameon=False)
    ax.set_title(_("What each developer published (source for every cell: open_models/data/openness.csv)"), fontsize=9)
    return ax.figure
