"""Look inside models: their shape, where their parameters are, and what their caches cost.

Loaded models (notebook 03): ``summarize`` reads a model's config and weights, ``parameters_by_component``
groups its parameters, and ``architecture_differences`` compares the config fields that fix an
architecture (fine-tuning changes a model's numbers, not its code).

Published configs (notebook 04): exact parameter counts and KV-cache memory; the families those configs
belong to (``family_profiles``), their fine-tunes (``fine_tunes``) and training compute (``training_flops``).

Each file in ``data/configs/`` is a model's ``config.json`` as published on the Hugging Face Hub,
plus metadata keys that start with ``_source``, ``_retrieved`` or ``_published`` (where the numbers
come from, and the size the developer states). Building a config on PyTorch's *meta* device creates
every tensor's shape but allocates no memory and downloads nothing, so even a 46.7B-parameter model
can be counted exactly on a laptop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from .catalog import read_data
from .errors import InvalidInput
from .i18n import N_, _
from .loading import TransformersModel

CONFIG_DIR = files("open_models").joinpath("data/configs")
METADATA_PREFIXES = ("_source", "_retrieved", "_published")


class UnknownConfig(InvalidInput):
    """An architecture name with no config file in ``data/configs/``."""


def config_names() -> list[str]:
    """The names of the bundled config files, e.g. ``["falcon-40b", ...]``."""
    return sorted(p.name[: -len(".json")] for p in CONFIG_DIR.iterdir() if p.name.endswith(".json"))


@lru_cache(maxsize=None)
def read_config_file(name: str) -> dict:
    """The raw JSON of one config file, metadata included."""
    if name not in config_names():
        raise UnknownConfig(_("No architecture config named {name!r}. Known names: {names}.").format(
            name=name, names=", ".join(config_names())))
    return json.loads(CONFIG_DIR.joinpath(f"{name}.json").read_text(encoding="utf-8"))


def config_metadata(name: str) -> dict:
    """The ``_source``/``_retrieved``/``_published...`` keys of a config file, without the underscore."""
    return {k[1:]: v for k, v in read_config_file(name).items() if k.startswith(METADATA_PREFIXES)}


def load_config(name: str):
    """A ``transformers`` config object built from the file (metadata keys stripped)."""
    from transformers import AutoConfig

    fields = {k: v for k, v in read_config_file(name).items() if not k.startswith(METADATA_PREFIXES)}
    return AutoConfig.for_model(fields.pop("model_type"), **fields)


def build_on_meta(config):
    """The model for ``config`` with shapes only: no memory for weights, nothing downloaded."""
    import torch
    from transformers import AutoModelForCausalLM

    with torch.device("meta"):
        return AutoModelForCausalLM.from_config(config)


def count_parameters(model) -> int:
    """Every parameter, counted once (tied embeddings are shared, so they count once)."""
    return sum(p.numel() for p in model.parameters())


def expert_parameters(model) -> int:
    """Parameters inside the mixture-of-experts blocks (modules named ``...experts``); 0 for a dense model."""
    return sum(
        p.numel()
        for name, module in model.named_modules()
        if name.endswith("experts")
        for p in module.parameters()
    )


def active_parameters(model, config) -> int:
    """Parameters used for one token: the total minus the experts the router did not pick."""
    total = count_parameters(model)
    experts = getattr(config, "num_local_experts", None)
    if not experts:
        return total
    unused_share = (experts - config.num_experts_per_tok) / experts
    return total - round(expert_parameters(model) * unused_share)


def kv_heads(config) -> int:
    """How many key/value heads each layer caches (Falcon spells this its own way)."""
    if config.model_type == "falcon":
        if config.new_decoder_architecture:
            return config.num_kv_heads
        return 1 if config.multi_query else config.num_attention_heads
    return getattr(config, "num_key_value_heads", None) or config.num_attention_heads


def head_dim(config) -> int:
    return getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads


def attention_kind(config) -> str:
    """MHA: one K/V head per query head; MQA: one K/V head for all; GQA: groups share one."""
    kv = kv_heads(config)
    if kv == config.num_attention_heads:
        return "MHA"
    return "MQA" if kv == 1 else "GQA"


def kv_cache_bytes(config, tokens: int, bytes_per_value: int = 2) -> int:
    """Memory of the key/value cache: 2 (K and V) × layers × kv_heads × head_dim × bytes × tokens.

    This is the full-attention size; layers with a sliding window keep at most the window.
    """
    if tokens < 0 or bytes_per_value <= 0:
        raise InvalidInput(_("tokens must be 0 or more and bytes_per_value more than 0 (2 for float16)."))
    per_token = 2 * config.num_hidden_layers * kv_heads(config) * head_dim(config) * bytes_per_value
    return per_token * tokens


@dataclass(frozen=True)
class Architecture:
    """One model's shape, counted from its config."""

    name: str
    model_type: str
    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    attention: str
    total_params: int
    active_params: int
    published_params_b: float
    source: str
    retrieved: str

    @property
    def kv_bytes_per_token(self) -> int:
        return 2 * self.layers * self.kv_heads * self.head_dim * 2


# Architecture's fields are the headers of a table of describe() results (pd.DataFrame(rows)); the data
# keeps the English names and translated_frame shows them in the learner's language.
ARCHITECTURE_COLUMNS = (
    N_("name"), N_("model_type"), N_("layers"), N_("heads"), N_("kv_heads"), N_("head_dim"), N_("attention"),
    N_("total_params"), N_("active_params"), N_("published_params_b"), N_("source"), N_("retrieved"),
)

@lru_cache(maxsize=None)
def describe(name: str) -> Architecture:
    """Build ``name`` on the meta device and summarise it (cached: big models take a few seconds)."""
    config = load_config(name)
    model = build_on_meta(config)
    meta = config_metadata(name)
    return Architecture(
        name=name,
        model_type=config.model_type,
        layers=config.num_hidden_layers,
        heads=config.num_attention_heads,
        kv_heads=kv_heads(config),
        head_dim=head_dim(config),
        attention=attention_kind(config),
        total_params=count_parameters(model),
        active_params=active_parameters(model, config),
        published_params_b=meta["published_params_b"],
        source=meta["source"],
        retrieved=meta["retrieved"],
    )


# --- the families and their fine-tunes ----------------------------------------------------------------


def family_profiles():
    """``data/families.csv``, one row per family, with the lesson's fine-tunes of each (from fine_tunes.csv)."""
    profiles = read_data("families.csv")
    names = read_data("fine_tunes.csv").groupby("family")["fine_tune"].agg(", ".join)
    profiles[N_("fine_tunes")] = profiles["family"].map(names).fillna(N_("none in the lesson"))
    return profiles


def fine_tunes(family: str | None = None, area: str | None = None):
    """The lesson's fine-tunes, each with its base family, base architecture and area ("maths", "medicine"...).

    ``family`` keeps one base family ("Mistral 7B"); ``area`` keeps the fine-tunes for one area. The
    ``architecture`` column is the ``model_type`` of the base model's config: a fine-tune keeps it.
    """
    table = read_data("fine_tunes.csv")
    table[N_("architecture")] = [load_config(name).model_type for name in table["base_config"]]
    areas = sorted({a for cell in table["area"] for a in cell.split(";")})
    if family is not None and family not in set(table["family"]):
        raise InvalidInput(_("No fine-tunes of {family!r}. Families: {families}.").format(
            family=family, families=", ".join(sorted(set(table["family"])))))
    if area is not None and area not in areas:
        raise InvalidInput(_("No fine-tunes for {area!r}. Areas: {areas}.").format(area=area, areas=", ".join(areas)))
    keep = [(family is None or f == family) and (area is None or area in a.split(";"))
            for f, a in zip(table["family"], table["area"], strict=True)]
    return table[keep].reset_index(drop=True)


def training_flops(parameters: float, tokens: float) -> float:
    """Training compute, estimated as 6 × parameters × tokens (forward and backward pass, per token)."""
    if not parameters > 0 or not tokens > 0:
        raise InvalidInput(_("parameters and tokens must be more than 0, e.g. training_flops(40e9, 1e12)."))
    return 6 * parameters * tokens


# --- loaded models -------------------------------------------------------------------------------------

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

# Order matters: the first match wins ("q_norm" inside attention is a norm). The names label the rows
# of a parameters_by_component table; "MLP" reads the same in both languages.
COMPONENTS = (
    (N_("norms"), ("norm",)),
    (N_("embeddings"), ("embed",)),
    (N_("attention"), ("self_attn", "attention")),
    ("MLP", ("mlp",)),
    (N_("output head"), ("lm_head",)),
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


# ModelSummary's fields label the rows of pd.DataFrame({id: asdict(summarize(m))}) (notebook 03).
SUMMARY_LABELS = (
    N_("architecture"), N_("layers"), N_("hidden_size"), N_("attention_heads"), N_("key_value_heads"),
    N_("vocab_size"), N_("context_length"), N_("parameters"), N_("tied_embeddings"),
)

def _model_of(loaded):
    """Accept a LoadedModel or a transformers model; return the model."""
    model = loaded.model if isinstance(loaded, TransformersModel) else loaded
    if not hasattr(model, "config") or not hasattr(model, "named_parameters"):
        raise InvalidInput(
            _("Pass a model from load_model('<catalog id>') (or its .model); got {kind}.").format(
                kind=type(loaded).__name__)
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
        parameters=count_parameters(model),
        tied_embeddings=bool(getattr(config, "tie_word_embeddings", False)),
    )


def component_of(parameter_name: str) -> str:
    """Which part of the network a parameter belongs to, from its name."""
    name = parameter_name.lower()
    for component, markers in COMPONENTS:
        if any(marker in name for marker in markers):
            return component
    return N_("other")


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

