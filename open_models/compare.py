"""The same prompts through several models, side by side: answers, new tokens, seconds, tokens/s.

A model that cannot be loaded here (a Hub-only model while offline, one that does not fit in
memory, ...) becomes a "skipped" row with the reason, so one missing model never stops the loop.
"""

from __future__ import annotations

from .catalog import get_entry
from .errors import CourseError, HubUnavailable, InvalidInput
from .generation import generate
from .loading import LoadedModel, load_model

ANSWER_WIDTH = 60  # characters of each answer shown by format_table


def _first_sentence(message: str) -> str:
    return message.split(". ")[0].rstrip(".")


def skip_reason(model_id: str, error: Exception) -> str:
    """A short reason for the table; the full message is the error's own."""
    if isinstance(error, HubUnavailable):
        return f"only on the Hub ({get_entry(model_id).hub_id}), which is switched off or unreachable here"
    if isinstance(error, CourseError):
        return _first_sentence(str(error))
    return f"could not load ({type(error).__name__}: {_first_sentence(str(error))[:120]})"


def check_models(models) -> list:
    """A non-empty list of LoadedModels or catalog ids; unknown ids fail here, before any loading."""
    if isinstance(models, (str, LoadedModel)):
        models = [models]
    if not isinstance(models, (list, tuple)) or not models:
        raise InvalidInput(
            "Give at least one model: a list of catalog ids such as ['smollm2-135m-instruct', 'gemma-3-270m'] "
            "or of models from load_model()."
        )
    for model in models:
        if isinstance(model, str):
            get_entry(model.strip())  # UnknownModelError, with the closest id, for a typo
        elif not isinstance(model, LoadedModel):
            raise InvalidInput(
                f"Each model must be a catalog id (a string) or a model from load_model(), not {type(model).__name__}."
            )
    return list(models)


def load_models(models, *, allow_hub: bool = True) -> list[tuple[str, LoadedModel | None, str]]:
    """(label, loaded model or None, reason it was skipped) for each model; each id loads once."""
    loaded: dict[str, tuple[LoadedModel | None, str]] = {}
    result = []
    for model in check_models(models):
        if isinstance(model, LoadedModel):
            result.append((model.label, model, ""))
            continue
        model_id = model.strip()
        if model_id not in loaded:
            try:
                loaded[model_id] = (load_model(model_id, allow_hub=allow_hub), "")
            except Exception as error:  # any model that cannot load here is reported, not fatal
                loaded[model_id] = (None, skip_reason(model_id, error))
        result.append((model_id, *loaded[model_id]))
    return result


def check_prompts(prompts) -> list[str]:
    if isinstance(prompts, str):
        prompts = [prompts]
    if not isinstance(prompts, (list, tuple)) or not prompts:
        raise InvalidInput("Give at least one prompt, as a list of strings: ['What is the capital of France?'].")
    for prompt in prompts:
        if not isinstance(prompt, str) or not prompt.strip():
            raise InvalidInput(f"Each prompt must be a non-empty string; got {prompt!r}.")
    return list(prompts)


def compare(models, prompts, *, max_new_tokens: int = 24, allow_hub: bool = True) -> list[dict]:
    """Run every prompt through every model (greedy); one row per (prompt, model).

    Each row: model, prompt, text, new_tokens, seconds, tokens_per_second, skipped (the reason, or "").
    """
    prompts = check_prompts(prompts)
    ready = load_models(models, allow_hub=allow_hub)
    rows = []
    for prompt in prompts:
        for model_id, loaded, reason in ready:
            row = {"model": model_id, "prompt": prompt, "text": "", "new_tokens": 0,
                   "seconds": 0.0, "tokens_per_second": 0.0, "skipped": reason}
            if loaded is not None:
                reply = generate(loaded, prompt, max_new_tokens=max_new_tokens)
                row.update(text=reply.text, new_tokens=reply.new_tokens, seconds=reply.seconds,
                           tokens_per_second=reply.tokens_per_second)
            rows.append(row)
    return rows


def one_line(text: str, width: int = ANSWER_WIDTH) -> str:
    """Newlines shown as ⏎, cut to ``width`` characters."""
    flat = text.replace("\n", "⏎")
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def format_table(rows: list[dict], width: int = ANSWER_WIDTH) -> str:
    """Rows from compare() as aligned text, grouped by prompt.

    Timings come last on each line and are not padded, so a test can mask them (X.X s, N tokens/s).
    """
    if not rows:
        return "(no rows)"
    id_width = max(len("model"), *(len(row["model"]) for row in rows))
    lines = []
    for prompt in dict.fromkeys(row["prompt"] for row in rows):
        lines.append(f">>> {prompt}")
        lines.append(f"  {'model':{id_width}}  {'new':>3}  {'answer':{width}}  time, speed")
        for row in (r for r in rows if r["prompt"] == prompt):
            if row["skipped"]:
                lines.append(f"  {row['model']:{id_width}}  {'-':>3}  skipped: {row['skipped']}")
            else:
                lines.append(
                    f"  {row['model']:{id_width}}  {row['new_tokens']:>3}  {one_line(row['text'], width):{width}}  "
                    f"{row['seconds']:.1f} s, {row['tokens_per_second']:.1f} tokens/s"
                )
        lines.append("")
    return "\n".join(lines).rstrip()
