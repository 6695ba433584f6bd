"""Fine-tuning on a laptop: a LoRA adapter trained with peft on CPU, then saved, reloaded and merged.

LoRA (low-rank adaptation) freezes a model's weights and learns, beside chosen weight matrices, two thin
matrices whose product is added to each. Only those train — about 0.7 % of SmolLM2-135M's parameters at
rank 8 on its attention projections — so a dozen steps on two CPU cores are enough for a narrow task.

The course's task (data/course_made/reviews.csv, described in reviews.md): label a short review with one
word, "positive" or "negative", so that a program can read the answer.
"""

from __future__ import annotations

import copy
import json
import random
import re
import sys
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import weights
from .catalog import ModelEntry, load_catalog, read_data
from .errors import CacheUnavailable, InvalidInput
from .generation import LoadedModel, generate
from .i18n import N_, _
from .loading import TransformersModel, check_fits, load_model

REVIEWS = "course_made/reviews.csv"
LABELS = ("positive", "negative")
SPLITS = ("train", "held_out")
TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj")  # the attention projections of every layer
MAX_RANK = 256
MAX_STEPS = 200
PROGRESS_LINES = 12  # at most about this many progress lines per training run
MAX_EXAMPLE_TOKENS = 256  # one example, prompt and answer: longer ones make CPU steps slow
ADAPTER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


# --- the task ----------------------------------------------------------------------------------------

def review_prompt(text: str) -> str:
    """The instruction the model gets for one review, before and after fine-tuning alike."""
    return f"Review: {text}\nIs this review positive or negative? Answer with one word."


def load_reviews(split: str | None = None):
    """The course's reviews (text, label, split) as a DataFrame; ``split`` = "train" or "held_out"."""
    reviews = read_data(REVIEWS)
    if split is None:
        return reviews
    if split not in SPLITS:
        raise InvalidInput(_("split must be one of {splits} (or None for all); got {split!r}.").format(
            splits=", ".join(SPLITS), split=split))
    return reviews[reviews["split"] == split].reset_index(drop=True)


def review_examples(reviews) -> list[dict[str, str]]:
    """Training examples from reviews: the prompt the model reads and the one-word answer it should give."""
    return [{"prompt": review_prompt(text), "answer": label}
            for text, label in zip(reviews["text"], reviews["label"], strict=True)]


def is_exact_label(answer: str, label: str) -> bool:
    """True when the whole answer is the label (any case, a full stop allowed): what a program can read."""
    return answer.strip().rstrip(".!").strip().lower() == label


def names_sentiment(answer: str, label: str) -> bool:
    """True when the answer names the right label and not the other one, whatever else it says."""
    words = set(re.findall(r"[a-z]+", answer.lower()))
    return label in words and not (set(LABELS) - {label}) & words


def answer_reviews(models: list[LoadedModel], reviews, *, max_new_tokens: int = 8):
    """Each model's greedy answer to every review: columns review, label, then one column per model."""
    import pandas as pd

    table = pd.DataFrame({N_("review"): reviews["text"], N_("label"): reviews["label"]})
    for model in models:
        table[model.label] = [generate(model, review_prompt(text), max_new_tokens=max_new_tokens).text
                              for text in reviews["text"]]
    return table


def review_scores(answers):
    """From ``answer_reviews``' table: per model, how many answers are exactly the label, and how many name it."""
    import pandas as pd

    models = [column for column in answers.columns if column not in ("review", "label")]
    rows = {model: {N_("exactly the label"): sum(map(is_exact_label, answers[model], answers["label"])),
                    N_("right sentiment named"): sum(map(names_sentiment, answers[model], answers["label"])),
                    N_("reviews"): len(answers)} for model in models}
    return pd.DataFrame.from_dict(rows, orient="index")


# --- training ----------------------------------------------------------------------------------------

class TunedModel(TransformersModel):
    """A bundled model with a LoRA adapter (or with one merged in); tables name it by what was done."""

    def __init__(self, base: TransformersModel, model, variant: str, load_seconds: float = 0.0):
        super().__init__(base.entry, base.tokenizer, model, base.source, load_seconds)
        self.variant = variant

    @property
    def label(self) -> str:
        return f"{self.id} + {self.variant}"


@dataclass
class LoraRun:
    """What ``train_lora`` made and measured."""

    model: TunedModel
    rank: int
    steps: int
    batch_size: int
    examples: int
    losses: list[float]
    seconds: float
    trainable: int
    total: int

    @property
    def passes(self) -> float:
        """How many times, on average, training went through each example."""
        return self.steps * self.batch_size / self.examples

    def summary(self) -> str:
        share = 100 * self.trainable / self.total
        return "\n".join((
            _("Trained a rank-{rank} LoRA adapter: {trainable:,} of {total:,} parameters ({share:.2f} %).").format(
                rank=self.rank, trainable=self.trainable, total=self.total, share=share),
            _("{steps} steps of {batch_size} examples ({passes:g} passes over {examples}) in {seconds:.0f} s; "
              "loss {first:.3f} at step 1, {last:.3f} at step {steps}.").format(
                steps=self.steps, batch_size=self.batch_size, passes=self.passes, examples=self.examples,
                seconds=self.seconds, first=self.losses[0], last=self.losses[-1])))


def progress_line(step: int, steps: int, seconds: float, loss: float) -> str:
    """One line of progress: a bar, the step, the time so far and left, and the latest loss.

    A new line at each report (not a bar redrawn in place) reads the same in Jupyter, in a terminal and in a
    notebook saved with its outputs.
    """
    from tqdm import tqdm

    # Translators: "step" is the unit of the rate in the meter, as in "3.52s/step"
    return tqdm.format_meter(step, steps, seconds, ncols=90, prefix=_("Training"), unit=_("step"),
                             postfix=_("loss {loss:.3f}").format(loss=loss))


@contextmanager
def _quiet_library_warnings():
    """Hide a deprecation notice peft triggers inside transformers: it is not the learner's to act on."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
        yield


def _whole_number(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(_("{name} must be a whole number from {low} to {high}; got {value!r}.").format(
            name=name, low=low, high=high, value=value))
    return value


def _transformers_model(loaded) -> TransformersModel:
    if isinstance(loaded, LoadedModel) and not isinstance(loaded, TransformersModel):
        raise InvalidInput(_("Fine-tuning needs a model loaded with load_model('<catalog id>') (transformers); "
                             "got a {backend} model.").format(backend=loaded.backend))
    if not isinstance(loaded, TransformersModel):
        raise InvalidInput(_("Fine-tuning needs a model loaded with load_model('<catalog id>') (transformers); "
                             "got {kind}.").format(kind=type(loaded).__name__))
    return loaded


def check_examples(examples) -> list[dict[str, str]]:
    """Training examples as a list of {"prompt", "answer"} dicts (a DataFrame with those columns works too)."""
    if hasattr(examples, "to_dict"):
        examples = examples.to_dict("records")
    if not isinstance(examples, (list, tuple)) or not examples:
        raise InvalidInput(_("Give at least one training example, as a list of dicts like "
                             "{'prompt': 'Review: ...', 'answer': 'positive'}."))
    checked = []
    for number, example in enumerate(examples, start=1):
        if not isinstance(example, dict):
            raise InvalidInput(_("Example {number} is a {kind}, not a dict with a prompt and an answer.").format(
                number=number, kind=type(example).__name__))
        for key in ("prompt", "answer"):
            if not isinstance(example.get(key), str) or not example[key].strip():
                raise InvalidInput(_("Example {number} needs a non-empty text as its {key!r}; got {value!r}.").format(
                    number=number, key=key, value=example.get(key)))
        checked.append({"prompt": example["prompt"], "answer": example["answer"]})
    return checked


def example_ids(loaded: TransformersModel, prompt: str, answer: str) -> tuple[list[int], int]:
    """Token ids of one example as the model will see it, and how many of them are the prompt.

    With a chat template, the conversation (user prompt, assistant answer, end of turn) as the template
    writes it; for a base model, the plain prompt, the answer and the end-of-text token.
    """
    tokenizer = loaded.tokenizer
    prompt_ids = list(loaded.prompt_ids([{"role": "user", "content": prompt}])["input_ids"][0])
    if loaded.has_chat_template:
        conversation = [{"role": "user", "content": prompt}, {"role": "assistant", "content": answer}]
        ids = list(tokenizer.apply_chat_template(conversation, return_dict=True)["input_ids"])
        if ids[:len(prompt_ids)] != prompt_ids:  # a template that writes the answer's turn differently
            ids = prompt_ids + tokenizer(answer, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    else:
        ids = prompt_ids + tokenizer(" " + answer, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    return [int(i) for i in ids], len(prompt_ids)


def _batches(loaded: TransformersModel, examples: list[dict[str, str]], batch_size: int, steps: int, seed: int):
    """``steps`` padded batches; every example is used once per pass over the data, in a seeded order.

    Labels are the ids themselves on the answer and -100 (ignored by the loss) on the prompt and padding:
    the model learns to write the answer, not to repeat the question.
    """
    import torch

    encoded = []
    for number, example in enumerate(examples, start=1):
        ids, prompt_length = example_ids(loaded, example["prompt"], example["answer"])
        if len(ids) > MAX_EXAMPLE_TOKENS:
            raise InvalidInput(_("Example {number} is {tokens} tokens long; keep each example under {limit} tokens "
                                 "so that a step takes seconds on a CPU.").format(
                number=number, tokens=len(ids), limit=MAX_EXAMPLE_TOKENS))
        encoded.append((ids, [-100] * prompt_length + ids[prompt_length:]))
    pad = loaded.tokenizer.pad_token_id if loaded.tokenizer.pad_token_id is not None else loaded.tokenizer.eos_token_id
    shuffle, order = random.Random(seed), []
    for _step in range(steps):
        if len(order) < batch_size:
            shuffled = list(range(len(encoded)))
            shuffle.shuffle(shuffled)
            order += shuffled
        chosen, order = [encoded[i] for i in order[:batch_size]], order[batch_size:]
        width = max(len(ids) for ids, _labels in chosen)
        yield {
            "input_ids": torch.tensor([ids + [pad] * (width - len(ids)) for ids, _labels in chosen]),
            "attention_mask": torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids, _labels in chosen]),
            "labels": torch.tensor([labels + [-100] * (width - len(labels)) for _ids, labels in chosen]),
        }


def with_lora(model, rank: int):
    """``model`` (changed in place) with a fresh rank-``rank`` LoRA adapter on TARGET_MODULES: a peft model.

    alpha = 2 × rank, so the adapter's effect starts out the same size whatever the rank; no dropout.
    """
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.0, target_modules=list(TARGET_MODULES),
                        task_type="CAUSAL_LM")
    with _quiet_library_warnings():
        return get_peft_model(model, config)


def train_lora(loaded, examples, *, rank: int = 8, steps: int = 12, learning_rate: float = 2e-3,
               batch_size: int = 8, seed: int = 0, progress: bool = True) -> LoraRun:
    """Train a LoRA adapter on a copy of ``loaded`` (which stays as it was); return the tuned model and the losses.

    The adapter sits on the attention projections (q, k, v, o) of every layer, with alpha = 2 × rank and
    AdamW; ``seed`` fixes the adapter's starting values and the order of the examples, so a run repeats.
    """
    import torch

    base = _transformers_model(loaded)
    rank = _whole_number("rank", rank, 1, MAX_RANK)
    steps = _whole_number("steps", steps, 1, MAX_STEPS)
    batch_size = _whole_number("batch_size", batch_size, 1, 64)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) or not 0 < learning_rate < 1:
        raise InvalidInput(_("learning_rate must be a number between 0 and 1, such as 2e-3; got {value!r}.").format(
            value=learning_rate))
    examples = check_examples(examples)
    check_fits(base.entry, base.model.dtype)  # the copy below needs as much memory again as the model

    torch.manual_seed(seed)
    model = with_lora(copy.deepcopy(base.model), rank)
    trainable, total = model.get_nb_trainable_parameters()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=learning_rate)
    losses = []
    start = time.perf_counter()
    model.train()
    for step, batch in enumerate(_batches(base, examples, batch_size, steps, seed), start=1):
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
        if progress and (step % max(1, steps // PROGRESS_LINES) == 0 or step == steps):
            print(progress_line(step, steps, time.perf_counter() - start, losses[-1]), file=sys.stderr, flush=True)
    model.eval()
    seconds = time.perf_counter() - start
    return LoraRun(TunedModel(base, model, "LoRA"), rank, steps, batch_size, len(examples), losses, seconds,
                   trainable, total)


def plot_losses(*runs: LoraRun, labels: list[str] | None = None):
    """The loss at every step of one or more runs, on a log scale (the loss falls by orders of magnitude)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.6))
    for number, run in enumerate(runs):
        name = labels[number] if labels else _("rank {rank}, {steps} steps").format(rank=run.rank, steps=run.steps)
        ax.plot(range(1, run.steps + 1), run.losses, marker="o", label=name)
    ax.set_yscale("log")
    ax.set_xlabel(_("training step (one batch of examples)"))
    ax.set_ylabel(_("loss on the batch (log scale)"))
    ax.set_title(_("The loss while the adapter trains"))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


# --- keeping an adapter ------------------------------------------------------------------------------

def adapter_dir(name: str) -> Path:
    """Where ``save_adapter`` keeps an adapter: ``<course cache>/adapters/<name>/``."""
    if not isinstance(name, str) or not ADAPTER_NAME.fullmatch(name):
        raise InvalidInput(_("An adapter name is letters, digits, '-', '_' or '.', such as 'reviews-r8'; "
                             "got {name!r}.").format(name=name))
    return weights.cache_dir() / "adapters" / name


def _base_fingerprint(entry: ModelEntry) -> str:
    """What an adapter records of its base model: the bundled file's sha256, or the Hub id."""
    return entry.gguf_sha256 or entry.hub_id


def save_adapter(tuned, name: str) -> Path:
    """Save a tuned model's adapter (safetensors + adapter_config.json) in the course cache; return the folder.

    An adapter of the same name is replaced only once the new one is completely written.
    """
    target = adapter_dir(name)
    if not isinstance(tuned, TunedModel) or not hasattr(tuned.model, "peft_config"):
        raise InvalidInput(_("save_adapter needs the model a training run made (run.model) or load_adapter "
                             "returned."))
    for config in tuned.model.peft_config.values():
        config.base_model_name_or_path = tuned.entry.hub_id  # not a path on this machine

    def fill(folder: Path) -> None:
        # (the embeddings are not trained, so peft need not look up the base model's vocabulary online)
        tuned.model.save_pretrained(folder, safe_serialization=True, save_embedding_layers=False)
        (folder / "README.md").unlink(missing_ok=True)  # peft's blank model card, naming this machine's cache path

    weights.write_entry(target, fill, source_sha256=_base_fingerprint(tuned.entry))
    return target


def folder_megabytes(folder: Path) -> float:
    return sum(path.stat().st_size for path in Path(folder).iterdir() if path.is_file()) / 1e6


def load_adapter(name: str) -> TunedModel:
    """A saved adapter on a freshly loaded copy of its base model."""
    from peft import PeftModel

    folder = adapter_dir(name)
    try:
        base_id = json.loads((folder / "adapter_config.json").read_text(encoding="utf-8"))["base_model_name_or_path"]
    except (OSError, ValueError, KeyError):
        saved = sorted(p.name for p in folder.parent.glob("[!.]*")) if folder.parent.is_dir() else []
        if not saved:
            raise InvalidInput(_("No adapter named {name!r} in the course cache. Saved adapters: none. Save one "
                                 "with save_adapter(run.model, {name!r}).").format(name=name)) from None
        raise InvalidInput(_("No adapter named {name!r} in the course cache. Saved adapters: {saved}. Save one "
                             "with save_adapter(run.model, {name!r}).").format(name=name, saved=", ".join(saved))
                           ) from None
    entry = next((e for e in load_catalog() if e.hub_id == base_id), None)
    if entry is None:
        raise InvalidInput(_("The adapter {name!r} was made for {base_id}, which is not in the course's "
                             "catalog.").format(name=name, base_id=base_id))
    problem = weights.entry_problem(folder, _base_fingerprint(entry))
    if problem:
        raise CacheUnavailable(_("The saved adapter {name!r} cannot be used: {problem}. Train it again and save "
                                 "it under the same name.").format(name=name, problem=problem))
    start = time.perf_counter()
    base = load_model(entry.id)
    with _quiet_library_warnings():
        model = PeftModel.from_pretrained(base.model, folder).eval()
    return TunedModel(base, model, "LoRA (reloaded)", time.perf_counter() - start)


def merge_adapter(tuned) -> TunedModel:
    """A copy of ``tuned`` with the adapter added into the weights: a plain model again, no peft needed to run it."""
    if not isinstance(tuned, TunedModel) or not hasattr(tuned.model, "merge_and_unload"):
        raise InvalidInput(_("merge_adapter needs a model with an adapter (run.model, or what load_adapter "
                             "returned)."))
    merged = copy.deepcopy(tuned.model).merge_and_unload()
    return TunedModel(tuned, merged, "LoRA (merged)")
