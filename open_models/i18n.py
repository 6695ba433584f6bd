"""The language the helper speaks: English by default, Simplified Chinese on request.

Mechanism: the standard library's ``gettext``, with one catalog per language in the package
(``locale/<code>/LC_MESSAGES/open_models.po``, compiled to ``.mo`` next to it). gettext needs nothing
beyond Python, its ``.po`` files are what translators' tools and the next person already know, and a
message with no translation falls back to the English text.

Choose the language with one call, ``set_language("zh")``, or the environment variable
``OPEN_MODELS_LANG=zh`` set before Python starts. In code:
  _("text {name}").format(name=...)   a message shown now, in the current language
  LazyMessage(N_("text"))              a module constant that reads in the current language when used
  N_("text")                           a string kept in English (a column name, a value, a label
                                       defined at import time) and translated where it is shown
  translated_frame(frame)              a table with its headers and values in the current language

Data stays in English (code and exercises index columns by their English names); what is shown
is translated. In Jupyter, ``set_language("zh")`` makes every DataFrame display that way.
Data files may carry a Chinese column next to an English one (``summary`` and ``summary_zh``):
``read_data`` picks the learner's (see ``localized_columns``).
"""

from __future__ import annotations

import gettext
import os
import re
import textwrap
import unicodedata
import warnings
from collections import UserString
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "open_models"
LANGUAGES = {"en": None, "zh": "zh_CN"}  # course language -> gettext catalog (None: the English source)
ALIASES = {"zh_cn": "zh", "zh-cn": "zh", "zh-hans": "zh", "cn": "zh", "chinese": "zh", "english": "en"}
CJK_FONT = "Noto Sans CJK SC"  # the Simplified Chinese face of the PyPI package noto-cjk-sans-otc

_state = {"language": "en", "translations": gettext.NullTranslations()}


def language() -> str:
    """The course language now: "en" or "zh"."""
    return _state["language"]


def _(message: str) -> str:
    """``message`` in the current language (itself when it has no translation)."""
    return _state["translations"].gettext(message)


def translated(text: str) -> str:
    """A word or label of the helper (a table header, a component name) in the course language."""
    return _(text)


def in_context(context: str, message: str) -> str:
    """``message`` in the current language, as meant in ``context`` (gettext's pgettext)."""
    return _state["translations"].pgettext(context, message)


def n_(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for ``count``, in the current language."""
    return _state["translations"].ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it here (it is translated where shown)."""
    return message


class LazyMessage(UserString):
    """A module constant that is a message: it reads in the current language whenever it is used.

    ``HINT = LazyMessage(N_("..."))`` can be printed, formatted or joined like a string, also by a
    notebook that imported it before ``set_language`` was called.
    """

    def __init__(self, message: str):
        self.message = message

    @property
    def data(self) -> str:
        return _(self.message)


def catalog(lang: str) -> gettext.NullTranslations:
    """The translations of course language ``lang`` ("en": none), without switching to it."""
    code = LANGUAGES[lang]
    return gettext.NullTranslations() if code is None else gettext.translation(DOMAIN, LOCALE_DIR, [code], fallback=True)


def set_language(lang: str = "en") -> None:
    """Make the helper speak ``lang``: "en" (English) or "zh" (简体中文); ``language()`` tells which.

    In Jupyter this also shows tables with translated headers and values, and (for "zh") gives
    charts a font with Chinese characters.
    """
    from .errors import InvalidInput

    if not isinstance(lang, str):
        raise InvalidInput(f"set_language takes a language code as text, 'en' or 'zh'; got {type(lang).__name__}.")
    code = ALIASES.get(lang.strip().lower(), lang.strip().lower())
    if code not in LANGUAGES:
        raise InvalidInput(f"No language {lang!r} in the course. Use 'en' (English) or 'zh' (简体中文).")
    _state["language"] = code
    _state["translations"] = catalog(code)
    _show_tables_translated(code != "en")
    if code == "zh":
        use_cjk_font()


def translated_frame(frame):
    """A copy of ``frame`` (DataFrame or Series) with headers, index labels and text values translated.

    A text is translated when it is a message of the catalog. A message that could also be data in a table
    (a prompt) is given a context with ``in_context``, so a table showing that prompt keeps it as it is.
    """
    import pandas as pd

    if language() == "en":
        return frame

    def label(value):
        return _(value) if isinstance(value, str) and value else value

    def relabel(index):  # an Index or MultiIndex with its labels and names translated
        if isinstance(index, pd.MultiIndex):
            return pd.MultiIndex.from_tuples([tuple(map(label, t)) for t in index], names=list(map(label, index.names)))
        return index.map(label).rename(label(index.name))

    out = frame.copy()
    out.index = relabel(out.index)
    if isinstance(out, pd.DataFrame):
        out.columns = relabel(out.columns)
        for column in out.columns[out.dtypes.eq(object).to_numpy()]:
            out[column] = out[column].map(label)
    else:
        out.name = label(out.name)
        if out.dtype == object:
            out = out.map(label)
    return out


def columns(text: str) -> int:
    """How wide ``text`` is on the page: a Chinese character takes two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# A unit that may not be split: an ASCII word, or one wide character with the punctuation that must
# stay on its line (no line starts with "，" or "。").
_UNITS = re.compile(r"\s+|[^\s\u2e80-\uffef]+[，。、；：！？）」』”’]*|[\u2e80-\uffef][，。、；：！？）」』”’]*")


def wrap(text: str, width: int = 100, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
    """``text`` as lines of at most ``width`` columns, words never broken (like ``textwrap.wrap``).

    English text is wrapped by ``textwrap`` exactly; text with Chinese characters may also break
    between two of them, since Chinese puts no spaces between words.
    """
    if columns(text) == len(text):
        return textwrap.wrap(text, width, initial_indent=initial_indent, subsequent_indent=subsequent_indent,
                             break_long_words=False, break_on_hyphens=False)
    lines, line, fresh = [], initial_indent, True
    for unit in _UNITS.findall(" ".join(text.split())):
        if unit.isspace():
            line += "" if fresh else " "
            continue
        if not fresh and columns(line.rstrip() + unit) > width:
            lines.append(line.rstrip())
            line = subsequent_indent
        line, fresh = line + unit, False
    if line.strip():
        lines.append(line.rstrip())
    return lines


def fill(text: str, width: int = 100, **indents) -> str:
    """``wrap`` joined into one string: like ``textwrap.fill``, and it can break Chinese text too."""
    return "\n".join(wrap(text, width, **indents))


def fit_lines(text: str, width: int = 100) -> str:
    """``text`` with each line wider than ``width`` wrapped (``fill``); the other lines stay exactly as they are."""
    return "\n".join(fill(line, width) if columns(line) > width else line for line in text.split("\n"))


def localized_columns(frame):
    """For each column ``X`` with a twin ``X_<lang>`` (e.g. ``summary_zh``): ``X`` in the current language.

    The twin columns are dropped either way, so a table has the same columns in both languages.
    An empty twin cell keeps the English text.
    """
    twins = [c for c in frame.columns if any(c.endswith(f"_{code}") for code in LANGUAGES if code != "en")]
    if not twins:
        return frame
    suffix = f"_{language()}"
    for twin in twins:
        base = twin[: -len(suffix)] if twin.endswith(suffix) else None
        if base in frame.columns:
            frame[base] = frame[twin].where(frame[twin] != "", frame[base])
    return frame.drop(columns=twins)


def use_cjk_font() -> bool:
    """Give matplotlib a font with Chinese characters (Noto Sans CJK, from PyPI). False if it is missing."""
    try:
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:
        warnings.warn(_("The Chinese font package is missing, so Chinese text in charts may show as boxes. "
                        "Install it with: pip install noto-cjk-sans-otc"), stacklevel=2)
        return False
    import matplotlib
    from matplotlib import font_manager

    path = str(FONT_PATH)
    if all(entry.fname != path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)  # all faces of the collection; the SC one is used below
    sans = matplotlib.rcParams["font.sans-serif"]
    matplotlib.rcParams["font.sans-serif"] = [CJK_FONT, *[f for f in sans if f != CJK_FONT]]
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    return True


def ipython_shell():
    """The running IPython/Jupyter shell, or None (plain Python, or IPython not installed)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _show_tables_translated(on: bool) -> None:
    """In IPython/Jupyter, display DataFrames and Series through ``translated_frame`` (or stop doing so)."""
    import pandas as pd

    shell = ipython_shell()
    if shell is None:
        return
    pd.set_option("display.unicode.east_asian_width", on)  # columns line up when cells hold Chinese
    plain = shell.display_formatter.formatters["text/plain"]
    html = shell.display_formatter.formatters["text/html"]
    for kind in (pd.DataFrame, pd.Series):
        if on:
            plain.for_type(kind, lambda obj, p, cycle: p.text(repr(translated_frame(obj))))
            if kind is pd.DataFrame:  # a Series has no HTML form: it shows as text
                html.for_type(kind, lambda obj: translated_frame(obj)._repr_html_())
        else:
            plain.type_printers.pop(kind, None)
            html.type_printers.pop(kind, None)


def _language_from_environment() -> None:
    try:
        set_language(os.environ.get("OPEN_MODELS_LANG") or "en")
    except ValueError as problem:  # a mistyped OPEN_MODELS_LANG: say so, speak English
        warnings.warn(f"OPEN_MODELS_LANG: {problem}", stacklevel=2)


_language_from_environment()
