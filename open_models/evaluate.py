"""Try several models on your own task: the same prompts side by side, then a scored task set.

``compare`` runs the same prompts through several models and returns one row per (prompt, model).
A model that cannot be loaded here (a Hub-only model while offline, one that does not fit in
memory, ...) becomes a "skipped" row with the reason, so one missing model never stops the loop.

``evaluate`` asks every model a small question set with reference answers and scores it. Every model sees the same three worked examples before each question (few-shot prompting):
as earlier chat turns for an instruction-tuned model, as "Q: ... A: ..." text for a base model,
which has no chat template and would otherwise just continue the question. Only the first line of
an answer is scored, because a base model keeps writing new "Q:" lines after it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .catalog import get_entry, read_rows
from .errors import CourseError, HubUnavailable, InvalidInput
from .generation import LoadedModel, generate
from .i18n import N_, _
from .loading import load_model

METHODS = ("contains", "exact", "number")

# The worked examples every model sees; none of them is in the task set.
FEW_SHOT = (
    ("What is the capital of Italy?", "Rome"),
    ("What is 3 + 4?", "7"),
    ("What is the opposite of up?", "down"),
)


# --- the same prompts through several models ---------------------------------------------------

def _first_sentence(message: str) -> str:
    return message.split(". ")[0].split("。")[0].rstrip(".")


def skip_reason(model_id: str, error: Exception) -> str:
    """A short reason for the table; the full message is the error's own."""
    if isinstance(error, HubUnavailable):
        return _("only on the Hub ({hub_id}), which is switched off or unreachable here").format(
            hub_id=get_entry(model_id).hub_id)
    if isinstance(error, CourseError):
        return _first_sentence(str(error))
    return _("could not load ({error_type}: {message})").format(
        error_type=type(error).__name__, message=_first_sentence(str(error))[:120])


def check_models(models) -> list:
    """A non-empty list of LoadedModels or catalog ids; unknown ids fail here, before any loading."""
    if isinstance(models, (str, LoadedModel)):
        models = [models]
    if not isinstance(models, (list, tuple)) or not models:
        raise InvalidInput(_(
            "Give at least one model: a list of catalog ids such as ['smollm2-135m-instruct', 'gemma-3-270m'] "
            "or of models from load_model()."
        ))
    for model in models:
        if isinstance(model, str):
            get_entry(model.strip())  # UnknownModelError, with the closest id, for a typo
        elif not isinstance(model, LoadedModel):
            raise InvalidInput(
                _("Each model must be a catalog id (a string) or a model from load_model(), not {kind}.").format(
                    kind=type(model).__name__)
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
        raise InvalidInput(_("Give at least one prompt, as a list of strings: ['What is the capital of France?']."))
    for prompt in prompts:
        if not isinstance(prompt, str) or not prompt.strip():
            raise InvalidInput(_("Each prompt must be a non-empty string; got {prompt!r}.").format(prompt=prompt))
    return list(prompts)


def compare(models, prompts, *, max_new_tokens: int = 24, allow_hub: bool = True):
    """Run every prompt through every model (greedy); a DataFrame with one row per (prompt, model).

    Columns: prompt, model, answer, new_tokens, seconds, tokens_per_second, skipped (the reason, or "").
    """
    import pandas as pd

    prompts = check_prompts(prompts)
    ready = load_models(models, allow_hub=allow_hub)
    rows = []
    for prompt in prompts:
        for model_id, loaded, reason in ready:
            row = {N_("prompt"): prompt, N_("model"): model_id, N_("answer"): "", N_("new_tokens"): 0,
                   N_("seconds"): 0.0, N_("tokens_per_second"): 0.0, N_("skipped"): reason}
            if loaded is not None:
                reply = generate(loaded, prompt, max_new_tokens=max_new_tokens)
                row.update(answer=reply.text, new_tokens=reply.new_tokens, seconds=reply.seconds,
                           tokens_per_second=reply.tokens_per_second)
            rows.append(row)
    return pd.DataFrame(rows)


# --- a task set ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Task:
    """One question, the answers that count as right, and how to compare them."""

    id: str
    category: str
    prompt: str
    answers: tuple[str, ...]
    method: str = "contains"
    source: str = ""


# Task's fields are the headers of a task table (pd.DataFrame(tasks)); the data keeps the English names
# and translated_frame shows them in the learner's language. ("id" stays as it is.)
TASK_COLUMNS = (N_("category"), N_("prompt"), N_("answers"), N_("method"), N_("source"))

def load_tasks() -> list[Task]:
    """The course's task set (data/eval/tasks.csv); ``answers`` are separated by ";" there."""
    return [
        Task(row["id"], row["category"], row["prompt"], tuple(a.strip() for a in row["answers"].split(";")),
             row["method"], row["source"])
        for row in read_rows("eval/tasks.csv")
    ]


def add_task(tasks: list[Task], prompt: str, answers, category: str = "mine", *,
             method: str = "contains", task_id: str | None = None) -> list[Task]:
    """A new list: ``tasks`` plus your own item. ``answers``: one string or a list of acceptable ones."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise InvalidInput(_("The prompt is empty: write the question the models should answer."))
    if isinstance(answers, str):
        answers = [answers]
    answers = tuple(a.strip() for a in answers if isinstance(a, str) and a.strip())
    if not answers:
        raise InvalidInput(_("Give at least one reference answer, e.g. answers=['Paris'] or answers=['8', 'eight']."))
    if method not in METHODS:
        raise InvalidInput(_("method must be one of {methods}; got {method!r}.").format(
            methods=", ".join(METHODS), method=method))
    if method == "number" and any(parse_number(a) is None for a in answers):
        raise InvalidInput(_("With method='number' every answer must be a number such as '42'; got {answers}.").format(
            answers=list(answers)))
    if not isinstance(category, str) or not category.strip():
        raise InvalidInput(_("category must be a non-empty word such as 'mine'."))
    task_id = task_id or f"{category.strip()}-{len(tasks) + 1}"
    if any(t.id == task_id for t in tasks):
        raise InvalidInput(_("There is already a task with id {task_id!r}; pass another task_id.").format(
            task_id=task_id))
    return [*tasks, Task(task_id, category.strip(), prompt.strip(), answers, method)]


# --- scoring -------------------------------------------------------------------------------------

WORD_NUMBERS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
} | {word: 10 * (i + 2) for i, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
SCALES = {"hundred": 100, "thousand": 1000}
NUMBER = re.compile(
    r"-?\d[\d,]*(?:\.\d+)?|\b(?:(?:" + "|".join([*WORD_NUMBERS, *SCALES, "a"]) + r")\b[\s-]*)+",
    re.IGNORECASE,
)


def parse_number(text: str) -> float | None:
    """'1,000' -> 1000.0, 'forty-two' -> 42.0, 'one hundred' -> 100.0; None if it is not a number."""
    text = text.strip().lower()
    if re.fullmatch(r"-?\d[\d,]*(?:\.\d+)?", text):
        return float(text.replace(",", ""))
    total, current, seen = 0, 0, False
    for word in re.split(r"[\s-]+", text):
        if word in WORD_NUMBERS:
            current, seen = current + WORD_NUMBERS[word], True
        elif word in SCALES:
            current, seen = max(current, 1) * SCALES[word], True
            if SCALES[word] == 1000:
                total, current = total + current, 0
        elif word == "a":
            continue  # "a hundred"
        elif word:
            return None
    return float(total + current) if seen else None


def numbers_in(text: str) -> list[float]:
    found = (parse_number(m.group()) for m in NUMBER.finditer(text))
    return [n for n in found if n is not None]


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def normalize(text: str) -> str:
    return re.sub(r"[^\w\s]", "", text.lower()).strip()


def score_answer(answer: str, task: Task) -> int:
    """1 if ``answer`` is right for ``task``, else 0.

    - contains: one of the reference answers appears as a whole word (case-insensitive);
    - exact: the answer, lower-cased and without punctuation, equals a reference answer;
    - number: the first number in the answer that the question did not already contain
      (so "7 + 5 = 12" counts as 12) equals a reference; digits and English words both count.
    """
    if task.method == "contains":
        return int(any(re.search(rf"\b{re.escape(ref.lower())}\b", answer.lower()) for ref in task.answers))
    if task.method == "exact":
        return int(normalize(answer) in {normalize(ref) for ref in task.answers})
    if task.method == "number":
        found = numbers_in(answer)
        in_question = set(numbers_in(task.prompt))
        candidates = [n for n in found if n not in in_question] or found
        return int(bool(candidates) and candidates[0] in {parse_number(ref) for ref in task.answers})
    raise InvalidInput(_("Unknown scoring method {method!r}; use one of {methods}.").format(
        method=task.method, methods=", ".join(METHODS)))


# --- running -------------------------------------------------------------------------------------

def few_shot_prompt(loaded, question: str):
    """The worked examples, then the question: chat turns for a chat model, Q/A text for a base model."""
    if loaded.has_chat_template:
        messages = []
        for q, a in FEW_SHOT:
            messages += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
        return messages + [{"role": "user", "content": question}]
    shots = "".join(f"Q: {q}\nA: {a}\n\n" for q, a in FEW_SHOT)
    return f"{shots}Q: {question}\nA:"


@dataclass(frozen=True)
class ItemResult:
    model: str
    task: Task
    answer: str  # the first line of the model's reply: what was scored
    correct: int


ITEM_COLUMNS = (N_("model"), N_("task"), N_("answer"), N_("correct"))  # headers of pd.DataFrame(result.items)


@dataclass
class EvalResult:
    """Every item's answer and score, per model; models that could not load are in ``skipped``."""

    items: list[ItemResult] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # generation time per model

    @property
    def models(self) -> list[str]:
        return list(dict.fromkeys(item.model for item in self.items))

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(item.task.category for item in self.items))

    def accuracy(self) -> dict[str, float]:
        """model -> share of items answered right."""
        return {m: _mean(i.correct for i in self.items if i.model == m) for m in self.models}

    def only(self, models: list[str]) -> "EvalResult":
        """The results of some models (by label), e.g. to reuse them next to a new run."""
        return EvalResult([i for i in self.items if i.model in models],
                          {m: r for m, r in self.skipped.items() if m in models},
                          {m: s for m, s in self.seconds.items() if m in models})

    def __add__(self, other: "EvalResult") -> "EvalResult":
        """Two runs as one table: ``earlier.only([...]) + evaluate([new_model], tasks)``."""
        return EvalResult(self.items + other.items, {**self.skipped, **other.skipped}, {**self.seconds, **other.seconds})

    def by_category(self) -> dict[str, dict[str, float]]:
        """model -> {category -> share right}."""
        table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for item in self.items:
            table[item.model][item.task.category].append(item.correct)
        return {m: {c: _mean(table[m][c]) for c in self.categories} for m in self.models}

    def accuracy_table(self):
        """A DataFrame: one row per model, "right/asked" overall and per category; skipped models last."""
        import pandas as pd

        rows = {}
        for model in self.models:
            marks = {N_("overall"): [i.correct for i in self.items if i.model == model]}
            for category in self.categories:
                marks[category] = [i.correct for i in self.items if i.model == model and i.task.category == category]
            rows[model] = {column: f"{sum(m)}/{len(m)}" for column, m in marks.items()}
        for model, reason in self.skipped.items():
            rows[model] = {N_("skipped"): reason}
        table = pd.DataFrame.from_dict(rows, orient="index").fillna("")
        table.index.name = N_("model")
        return table

    def answers_table(self, category: str | None = None):
        """A DataFrame: one row per task, one column per model with ✓ or ✗ and the answer that was scored.

        ``category`` keeps only that category's tasks, e.g. ``answers_table("opposites")``.
        """
        import pandas as pd

        if category is not None and category not in self.categories:
            raise InvalidInput(_("No category {category!r} in these results; choose one of {categories}.").format(
                category=category, categories=", ".join(self.categories)))
        items = [i for i in self.items if category is None or i.task.category == category]
        table = pd.DataFrame({
            model: {i.task.id: ("✓ " if i.correct else "✗ ") + i.answer for i in items if i.model == model}
            for model in self.models
        })
        table.index.name = N_("task")
        return table


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def evaluate(models, tasks: list[Task] | None = None, *, max_new_tokens: int = 16,
             allow_hub: bool = True) -> EvalResult:
    """Ask every model every task (greedy, few-shot) and score the first line of each answer."""
    tasks = load_tasks() if tasks is None else list(tasks)
    if not tasks or not all(isinstance(t, Task) for t in tasks):
        raise InvalidInput(_("tasks must be a non-empty list of Task items: load_tasks(), plus add_task(...) for yours."))
    result = EvalResult()
    for model_id, loaded, reason in load_models(models, allow_hub=allow_hub):
        if loaded is None:
            result.skipped[model_id] = reason
            continue
        result.seconds[model_id] = 0.0
        for task in tasks:
            reply = generate(loaded, few_shot_prompt(loaded, task.prompt), max_new_tokens=max_new_tokens, stop=["\n"])
            answer = first_line(reply.text)
            result.items.append(ItemResult(model_id, task, answer, score_answer(answer, task)))
            result.seconds[model_id] += reply.seconds
    return result

