"""Look inside a loaded model: its shape (config), where its parameters are, and how it was tuned.

Fine-tuning changes a model's numbers, not its code: ``architecture_differences`` compares the
config fields that fix the architecture, and ``tuning_pairs`` lists base/instruct pairs from
``data/base_and_instruct.csv`` (each row with its source).
"""

from __future__ import annotations

from dataclasses import dataclass

from .data_files import read_csv
from .errors import InvalidInput
from .loading import LoadedModel

PAIRS_FILE = "base_and_instruct.csv"

# Config fields that fix the architecture: two checkpoints that agree on all of them can swap weights.
ARCHITECTURE_KEYS = (
    "model_type",
    "num_hidden_layers",
    "hidden_size",
    "intermediate_size",
    "num_attention_heads",
    "num_key_value_heads",
    "head_dim",
    "vocab_size",
    "max_position_embeddings",
    "tie_word_embeddings",
)

# Order matters: the first match wins ("q_norm" inside attention is a norm).
COMPONENTS = (
    ("norms", ("norm",)),
    ("embeddings", ("embed",)),
    ("attention", ("self_attn", "attention")),
    ("MLP", ("mlp",)),
    ("output head", ("lm_head",)),
)


@dataclass(frozen=True)
class ModelSummary:
    """The numbers that describe a model's shape, read from its config and weights."""

    architecture: str
    layers: int
    hidden_size: int
    attention_heads: int
    key_value_heads: int
    vocab_size: int
    context_length: int
    parameters: int
    tied_embeddings: bool


def _model_of(loaded):
    """Accept a LoadedModel or a transformers model; return the model."""
    model = loaded.model if isinstance(loaded, LoadedModel) else loaded
    if not hasattr(model, "config") or not hasattr(model, "named_parameters"):
        raise InvalidInput(
            "Pass a model from load_model('<catalog id>') (or its .model); got " + type(loaded).__name__ + "."
        )
    return model


def summarize(loaded) -> ModelSummary:
    """Layer count, sizes and parameter count of a loaded model."""
    model = _model_of(loaded)
    config = model.config
    heads = config.num_attention_heads
    return ModelSummary(
        architecture=type(model).__name__,
        layers=config.num_hidden_layers,
        hidden_size=config.hidden_size,
        attention_heads=heads,
        key_value_heads=getattr(config, "num_key_value_heads", None) or heads,
        vocab_size=config.vocab_size,
        context_length=config.max_position_embeddings,
        parameters=sum(p.numel() for p in model.parameters()),
        tied_embeddings=bool(getattr(config, "tie_word_embeddings", False)),
    )


def component_of(parameter_name: str) -> str:
    """Which part of the network a parameter belongs to, from its name."""
    name = parameter_name.lower()
    for component, markers in COMPONENTS:
        if any(marker in name for marker in markers):
            return component
    return "other"


def parameters_by_component(loaded) -> dict[str, int]:
    """Parameter counts per component, largest first. Tied weights are counted once."""
    counts: dict[str, int] = {}
    for name, parameter in _model_of(loaded).named_parameters():  # yields a shared tensor only once
        component = component_of(name)
        counts[component] = counts.get(component, 0) + parameter.numel()
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def architecture_differences(config_a, config_b, keys=ARCHITECTURE_KEYS) -> dict[str, tuple]:
    """The architecture fields on which two configs disagree: {key: (value_a, value_b)}; {} if none."""
    return {
        key: (getattr(config_a, key, None), getattr(config_b, key, None))
        for key in keys
        if getattr(config_a, key, None) != getattr(config_b, key, None)
    }


def tuning_pairs() -> list[dict[str, str]]:
    """Base models and their instruction-tuned versions, as published, one dict per row."""
    return read_csv(PAIRS_FILE)
