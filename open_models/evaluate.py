"""Try several models on your task: a small question set with reference answers, scored automatically.

Every model sees the same three worked examples before each question (few-shot prompting):
as earlier chat turns for an instruction-tuned model, as "Q: ... A: ..." text for a base model,
which has no chat template and would otherwise just continue the question. Only the first line of
an answer is scored, because a base model keeps writing new "Q:" lines after it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .data_files import read_csv
from .compare import load_models
from .errors import InvalidInput
from .generation import generate

TASKS_FILE = "eval/tasks.csv"
METHODS = ("contains", "exact", "number")

# The worked examples every model sees; none of them is in the task set.
FEW_SHOT = (
    ("What is the capital of Italy?", "Rome"),
    ("What is 3 + 4?", "7"),
    ("What is the opposite of up?", "down"),
)


@dataclass(frozen=True)
class Task:
    """One question, the answers that count as right, and how to compare them."""

    id: str
    category: str
    prompt: str
    answers: tuple[str, ...]
    method: str = "contains"
    source: str = ""


def load_tasks() -> list[Task]:
    """The course's task set (data/eval/tasks.csv); ``answers`` are separated by ";" there."""
    return [
        Task(row["id"], row["category"], row["prompt"], tuple(a.strip() for a in row["answers"].split(";")),
             row["method"], row["source"])
        for row in read_csv(TASKS_FILE)
    ]


def add_task(tasks: list[Task], prompt: str, answers, category: str = "mine", *,
             method: str = "contains", task_id: str | None = None) -> list[Task]:
    """A new list: ``tasks`` plus your own item. ``answers``: one string or a list of acceptable ones."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise InvalidInput("The prompt is empty: write the question the models should answer.")
    if isinstance(answers, str):
        answers = [answers]
    answers = tuple(a.strip() for a in answers if isinstance(a, str) and a.strip())
    if not answers:
        raise InvalidInput("Give at least one reference answer, e.g. answers=['Paris'] or answers=['8', 'eight'].")
    if method not in METHODS:
        raise InvalidInput(f"method must be one of {', '.join(METHODS)}; got {method!r}.")
    if method == "number" and any(parse_number(a) is None for a in answers):
        raise InvalidInput(f"With method='number' every answer must be a number such as '42'; got {list(answers)}.")
    if not isinstance(category, str) or not category.strip():
        raise InvalidInput("category must be a non-empty word such as 'mine'.")
    task_id = task_id or f"{category.strip()}-{len(tasks) + 1}"
    if any(t.id == task_id for t in tasks):
        raise InvalidInput(f"There is already a task with id {task_id!r}; pass another task_id.")
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


def score(answer: str, task: Task) -> int:
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
    raise InvalidInput(f"Unknown scoring method {task.method!r}; use one of {', '.join(METHODS)}.")


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


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def evaluate(models, tasks: list[Task] | None = None, *, max_new_tokens: int = 16,
             allow_hub: bool = True) -> EvalResult:
    """Ask every model every task (greedy, few-shot) and score the first line of each answer."""
    tasks = load_tasks() if tasks is None else list(tasks)
    if not tasks or not all(isinstance(t, Task) for t in tasks):
        raise InvalidInput("tasks must be a non-empty list of Task items: load_tasks(), plus add_task(...) for yours.")
    result = EvalResult()
    for model_id, loaded, reason in load_models(models, allow_hub=allow_hub):
        if loaded is None:
            result.skipped[model_id] = reason
            continue
        result.seconds[model_id] = 0.0
        for task in tasks:
            reply = generate(loaded, few_shot_prompt(loaded, task.prompt), max_new_tokens=max_new_tokens, stop=["\n"])
            answer = first_line(reply.text)
            result.items.append(ItemResult(model_id, task, answer, score(answer, task)))
            result.seconds[model_id] += reply.seconds
    return result


def format_accuracy(result: EvalResult) -> str:
    """Accuracy per model and per category, as aligned text (right / asked)."""
    cats = result.categories
    width = max([len("model"), *(len(m) for m in result.models)])
    head = f"{'model':{width}}  {'overall':>9}" + "".join(f"  {c:>11}" for c in cats)
    lines = [head]
    for model in result.models:
        cells = []
        for cat in [None, *cats]:
            marks = [i.correct for i in result.items if i.model == model and (cat is None or i.task.category == cat)]
            cells.append(f"{sum(marks)}/{len(marks)}")
        lines.append(f"{model:{width}}  {cells[0]:>9}" + "".join(f"  {c:>11}" for c in cells[1:]))
    for model, reason in result.skipped.items():
        lines.append(f"{model:{width}}  skipped: {reason}")
    return "\n".join(lines)
