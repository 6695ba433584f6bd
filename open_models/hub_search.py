"""Search the Hugging Face Hub for the fine-tunes of a model, or read the course's dated snapshot.

``find_finetunes(base)`` asks the Hub for the models whose card names ``base`` as their base model
and that the Hub files as fine-tunes (the filter ``base_model:finetune:<base>``), most downloaded
first, with ``huggingface_hub.HfApi.list_models``. When downloads are off (``HF_HUB_OFFLINE=1``,
the course's default) or the Hub does not answer within a few seconds, it reads
``data/hub_finetunes.csv`` instead: a snapshot of the same question, made by hand, whose rows say
where each card was read and when. Both give the same table; ``FineTunes.note`` says which one
you are looking at.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from .catalog import read_data
from .errors import HubUnavailable, InvalidInput
from .i18n import N_, _
from .loading import hub_endpoint, hub_is_offline

SNAPSHOT_FILE = "hub_finetunes.csv"
PROBE_TIMEOUT_S = 3.0
# The table's columns: code and exercises use these English names; a Chinese display shows them translated.
COLUMNS = [N_("library"), N_("license"), N_("downloads"), N_("about"), N_("source")]


@dataclass
class FineTunes:
    """The fine-tunes found: a table indexed by model id, whether it is live, and a note saying so."""

    base: str
    table: object  # a pandas DataFrame with COLUMNS, indexed by "model"
    live: bool
    note: str


def _check(base, limit) -> str:
    if not isinstance(base, str) or base.count("/") != 1 or " " in base.strip():
        raise InvalidInput(_("base must be a Hub id such as 'HuggingFaceTB/SmolLM2-135M-Instruct'; got {base!r}.")
                           .format(base=base))
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidInput(_("limit must be a whole number of at least 1; got {limit!r}.").format(limit=limit))
    return base.strip()


def hub_answers(timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """None when the Hub's model API answers within ``timeout`` seconds, else why it does not.

    The reason is a clause in the learner's language, to be followed by more text (``read_snapshot``'s ``why``).
    """
    try:
        urllib.request.urlopen(f"{hub_endpoint()}/api/models?limit=1", timeout=timeout).close()
    except urllib.error.HTTPError as error:
        return _("the Hub answered HTTP {code}").format(code=error.code)
    except (urllib.error.URLError, OSError) as error:
        return _("the Hub ({endpoint}) cannot be reached: {reason}").format(
            endpoint=hub_endpoint(), reason=getattr(error, "reason", error))
    return None


def _table(rows: list[dict]):
    import pandas as pd

    table = pd.DataFrame(rows, columns=[N_("model"), *COLUMNS]).set_index("model")
    table["downloads"] = table["downloads"].astype("Int64")  # <NA> where not known
    return table


def search_hub(base: str, limit: int = 10) -> FineTunes:
    """The Hub's fine-tunes of ``base``, most downloaded first (network needed)."""
    from huggingface_hub import HfApi

    base = _check(base, limit)
    models = HfApi(endpoint=hub_endpoint()).list_models(
        filter=f"base_model:finetune:{base}", sort="downloads", limit=limit)
    rows = [{
        "model": model.id,
        "library": model.library_name or "",
        "license": next((tag.split(":", 1)[1] for tag in model.tags or [] if tag.startswith("license:")), ""),
        "downloads": model.downloads,
        "about": model.pipeline_tag or "",
        "source": f"https://huggingface.co/{model.id}",
    } for model in models]
    note = (_("Live from the Hub ({endpoint}): the {n} most downloaded fine-tunes of {base}.").format(
                endpoint=hub_endpoint(), n=len(rows), base=base)
            if rows else _("The Hub lists no fine-tunes of {base}.").format(base=base))
    return FineTunes(base, _table(rows), True, note)


def read_snapshot(base: str, limit: int = 10, why: str = "") -> FineTunes:
    """The course's snapshot of the same question, with where and when it was made."""
    base = _check(base, limit)
    snapshot = read_data(SNAPSHOT_FILE)
    bases = sorted(set(snapshot["base_model"]))
    rows = snapshot[snapshot["base_model"] == base].head(limit)
    if rows.empty:
        message = (_("{why}, and the course's snapshot only covers {bases}. To search for fine-tunes of {base}, "
                     "be online and start Jupyter without HF_HUB_OFFLINE=1.") if why else
                   _("No live search, and the course's snapshot only covers {bases}. To search for fine-tunes of "
                     "{base}, be online and start Jupyter without HF_HUB_OFFLINE=1."))
        raise HubUnavailable(message.format(why=why, bases=", ".join(bases), base=base))
    table = _table([{**row, "model": row["model"], "downloads": None} for row in rows.to_dict("records")])
    dates = ", ".join(sorted(set(rows["retrieved"])))
    # Translators: {why} is a reason such as "Downloads are off here (HF_HUB_OFFLINE=1)"; this makes it a sentence.
    first = _("{why}.").format(why=why) if why else _("No live search.")
    # Translators: four lines, each at most 100 columns wide with a Hub id of about 35 characters for {base}.
    rest = _("So this is the course's snapshot (data/{file}), not a live search:\n"
             "{n} fine-tunes of {base}, read {dates} from model cards\n"
             "stored in public GitHub repositories (each card's address is in the source column).\n"
             "It has no download counts, and it is a handful of cards, not the Hub's ranking.")
    note = first + "\n" + rest.format(file=SNAPSHOT_FILE, n=len(table), base=base, dates=dates)
    return FineTunes(base, table, False, note)


def find_finetunes(base: str, limit: int = 10, allow_hub: bool = True) -> FineTunes:
    """Live from the Hub when it can be asked and answers; otherwise the snapshot, saying why."""
    base = _check(base, limit)
    if not allow_hub or hub_is_offline():
        why = _("Downloads are off here (HF_HUB_OFFLINE=1)") if allow_hub else _("allow_hub is False")
        return read_snapshot(base, limit, why)
    problem = hub_answers()
    if problem is None:
        try:
            return search_hub(base, limit)
        except Exception as error:  # any failure of the live search falls back to the snapshot
            problem = _("the Hub search failed ({error})").format(error=type(error).__name__)
    return read_snapshot(base, limit, problem[0].upper() + problem[1:])
