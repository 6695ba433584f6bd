"""Checks for notebook 04, the model families.

Every expected answer is computed from the course's data (``training_compute.csv``, ``fine_tunes.csv``)
and its config files, with the same helpers the notebook uses.
"""

from __future__ import annotations

from ..architecture import fine_tunes, kv_cache_bytes, load_config, training_flops
from ..catalog import read_rows
from ..errors import InvalidInput
from ..i18n import N_, _
from .checking import exercise


def compute_share(model: str, reference: str = "GPT-3") -> float:
    """``model``'s estimated training compute (6 × N × D) as a share of ``reference``'s."""
    rows = {row["model"]: row for row in read_rows("training_compute.csv")}
    flops = {name: training_flops(float(rows[name]["params_b"]) * 1e9, float(rows[name]["tokens_b"]) * 1e9)
             for name in (model, reference)}
    return flops[model] / flops[reference]


@exercise(expects=N_("a number: a share such as 0.5 for half"))
def check_falcon_7b_share(answer):
    expected = compute_share("Falcon-7B")
    share = float(answer)
    if abs(share - expected) <= 0.005:
        return None
    if abs(share - 100 * expected) <= 0.5:
        return _("that looks like a percentage; give the share ({fraction:.2f} for {share:g} %)").format(
            fraction=share / 100, share=share)
    return _("{share:g} is not it: compute 6 × parameters × tokens for Falcon-7B and for GPT-3 "
             "(training_flops), then divide the first by the second").format(share=share)


@exercise(expects=N_("a list of fine-tune names (or Hub ids) from fine_tunes()"))
def check_llama_architecture(answer):
    table = fine_tunes()
    expected = set(table.loc[table["architecture"] == "llama", "fine_tune"])
    given = {_fine_tune_named(str(name))["fine_tune"] for name in ([answer] if isinstance(answer, str) else answer)}
    if given - expected:
        wrong = sorted(given - expected)
        return _("{fine_tunes}: another architecture; look at the architecture column").format(
            fine_tunes=", ".join(wrong))
    if expected - given:
        return _("{count} more keep the 'llama' architecture, even one that added layers").format(
            count=len(expected - given))
    return None


def _fine_tune_named(name: str) -> dict:
    """The fine_tunes() row a learner means by ``name``: its fine_tune name, its Hub id or the id's last part."""
    wanted = name.strip().lower()
    for row in fine_tunes().to_dict("records"):
        if wanted in {row["fine_tune"].lower(), row["hub_id"].lower(), row["hub_id"].split("/")[-1].lower()}:
            return row
    names = ", ".join(fine_tunes()["fine_tune"])
    raise InvalidInput(_("{name!r} is not one of the lesson's fine-tunes. Pick one of: {names}.").format(
        name=name, names=names))


@exercise(expects=N_('a pair: (fine-tune name, base architecture), e.g. ("Some fine-tune", "llama")'))
def check_pick(answer, need):
    areas = sorted({a for cell in fine_tunes()["area"] for a in cell.split(";")})
    if need not in areas:
        raise InvalidInput(_("need must be one of {areas}; got {need!r}.").format(areas=", ".join(areas), need=need))
    name, architecture = answer
    row = _fine_tune_named(str(name))
    if need not in row["area"].split(";"):
        suitable = ", ".join(fine_tunes(area=need)["fine_tune"])
        first, *others = row["area"].split(";")
        for other in others:
            # Translators: joins the areas a fine-tune is for ("code and maths"); the area words stay English.
            first = _("{areas} and {area}").format(areas=first, area=other)
        return _("{fine_tune} is for {areas}, not {need}; for {need}: {suitable}").format(
            fine_tune=row["fine_tune"], areas=first, need=need, suitable=suitable)
    if str(architecture).strip().lower() not in {row["architecture"], row["family"].lower()}:
        return _("{fine_tune} keeps its base model's architecture: {architecture!r} ({family}), not {given!r}").format(
            fine_tune=row["fine_tune"], architecture=row["architecture"], family=row["family"], given=architecture)
    return None


@exercise(expects=N_("a number of GB"))
def check_kv_cache_8k(answer):
    expected = kv_cache_bytes(load_config("llama-2-7b"), 8192) / 1e9
    gigabytes = float(answer)
    if abs(gigabytes - expected) <= 0.01:
        return None
    if abs(gigabytes - expected * 1e9) <= 1:
        return _("that is in bytes; divide by 1e9 for GB")
    return _("{gigabytes:g} GB is not it: 2 × layers × key/value heads × head dimension × 2 bytes "
             "× 8,192 tokens, read from Llama 2 7B's config").format(gigabytes=gigabytes)
