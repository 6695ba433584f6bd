"""What running a model costs: API prices per million tokens, and the cost of serving one yourself.

``data/prices.csv`` holds a dated snapshot of published per-token prices (USD per million tokens),
one row per model *and provider*, with an optional quality score from its own source and an optional
note (a long-prompt tier, a retirement) with its own source.
``data/machines.csv`` holds example hourly prices of cloud machines; a burstable machine also has the
share of each vCPU its price covers and what use above that costs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .catalog import read_rows
from .errors import InvalidInput
from .generation import generate
from .i18n import N_, _

# Artificial Analysis blends input and output prices 3:1 (https://artificialanalysis.ai/methodology).
INPUT_WEIGHT, OUTPUT_WEIGHT = 3, 1


@dataclass(frozen=True)
class Price:
    """One model at one provider: USD per million input and output tokens."""

    model: str
    provider: str
    open_weights: bool
    input_usd_per_mtok: float
    output_usd_per_mtok: float
    quality: float | None
    quality_metric: str
    quality_source: str
    source: str
    retrieved: str
    note: str = ""
    note_source: str = ""

    @property
    def label(self) -> str:
        return f"{self.model} ({self.provider})"

    @property
    def blended(self) -> float:
        """The 3:1 blended price, Artificial Analysis's convention."""
        return blended_price(self.input_usd_per_mtok, self.output_usd_per_mtok)


@dataclass(frozen=True)
class Machine:
    """A cloud machine and its hourly price; a burstable one bills CPU use above its baseline on top."""

    machine: str
    vcpus: int
    memory_gib: float
    usd_per_hour: float
    source: str
    retrieved: str
    baseline_per_vcpu: float = 1.0  # the share of each vCPU the hourly price covers (1 = fixed performance)
    surplus_usd_per_vcpu_hour: float = 0.0  # what use above the baseline costs, per vCPU-hour
    note: str = ""
    note_source: str = ""

    @property
    def full_load_usd_per_hour(self) -> float:
        """The hourly price with every vCPU busy all the time (what a model generating non-stop costs)."""
        return self.usd_per_hour + self.vcpus * (1 - self.baseline_per_vcpu) * self.surplus_usd_per_vcpu_hour


def _positive(value, name: str, allow_zero: bool = False) -> float:
    """``value`` as a float that is > 0 (or >= 0), else InvalidInput saying what to pass."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("{name} must be a number, not {value!r}.").format(name=_(name), value=value)) from None
    if not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        message = (_("{name} must be zero or more; got {value!r}.") if allow_zero else
                   _("{name} must be greater than zero; got {value!r}."))
        raise InvalidInput(message.format(name=_(name), value=value))
    return number


def blended_price(input_usd_per_mtok: float, output_usd_per_mtok: float,
                  input_weight: float = INPUT_WEIGHT, output_weight: float = OUTPUT_WEIGHT) -> float:
    """Weighted average price per million tokens; by default 3 input tokens for every output token."""
    price_in = _positive(input_usd_per_mtok, "input_usd_per_mtok", allow_zero=True)
    price_out = _positive(output_usd_per_mtok, "output_usd_per_mtok", allow_zero=True)
    w_in = _positive(input_weight, "input_weight", allow_zero=True)
    w_out = _positive(output_weight, "output_weight", allow_zero=True)
    if w_in + w_out == 0:
        raise InvalidInput(_("input_weight and output_weight cannot both be zero: use e.g. 3 and 1."))
    return (w_in * price_in + w_out * price_out) / (w_in + w_out)


def self_host_cost_per_mtok(usd_per_hour: float, tokens_per_second: float) -> float:
    """USD per million generated tokens for a machine rented at ``usd_per_hour`` producing ``tokens_per_second``."""
    hourly = _positive(usd_per_hour, N_("usd_per_hour (the machine's hourly price)"))
    speed = _positive(tokens_per_second, N_("tokens_per_second (measure it with measure_throughput)"))
    return hourly / (speed * 3600) * 1e6


def break_even_usd_per_hour(api_usd_per_mtok: float, tokens_per_second: float) -> float:
    """The hourly machine price at which self-hosting costs the same per token as ``api_usd_per_mtok``."""
    price = _positive(api_usd_per_mtok, "api_usd_per_mtok")
    speed = _positive(tokens_per_second, N_("tokens_per_second (measure it with measure_throughput)"))
    return price * speed * 3600 / 1e6


def load_prices() -> tuple[Price, ...]:
    """Every price row of ``data/prices.csv`` (each row's source and date are checked by the course's tests)."""
    return tuple(
        Price(
            model=row["model"],
            provider=row["provider"],
            open_weights=row["open_weights"] == "yes",
            input_usd_per_mtok=float(row["input_usd_per_mtok"]),
            output_usd_per_mtok=float(row["output_usd_per_mtok"]),
            quality=float(row["quality"]) if row["quality"] else None,
            quality_metric=row["quality_metric"],
            quality_source=row["quality_source"],
            source=row["source"],
            retrieved=row["retrieved"],
            note=row.get("note", ""),
            note_source=row.get("note_source", ""),
        )
        for row in read_rows("prices.csv")
    )


def load_machines() -> tuple[Machine, ...]:
    """Example cloud machines with an hourly price (``data/machines.csv``)."""
    return tuple(
        Machine(
            machine=row["machine"],
            vcpus=int(row["vcpus"]),
            memory_gib=float(row["memory_gib"]),
            usd_per_hour=float(row["usd_per_hour"]),
            source=row["source"],
            retrieved=row["retrieved"],
            baseline_per_vcpu=float(row.get("baseline_per_vcpu") or 1),
            surplus_usd_per_vcpu_hour=float(row.get("surplus_usd_per_vcpu_hour") or 0),
            note=row.get("note", ""),
            note_source=row.get("note_source", ""),
        )
        for row in read_rows("machines.csv")
    )


def measure_throughput(loaded, prompts, max_new_tokens: int = 64) -> tuple[int, float]:
    """Generate greedily for each prompt; return (new tokens, seconds) summed over all prompts."""
    if isinstance(prompts, str) or not prompts:
        raise InvalidInput(_("prompts must be a non-empty list of strings, e.g. ['Name three fruits.']."))
    tokens, seconds = 0, 0.0
    for prompt in prompts:
        reply = generate(loaded, prompt, max_new_tokens=max_new_tokens)
        tokens += reply.new_tokens
        seconds += reply.seconds
    return tokens, seconds


def _dollar_axis(ax) -> None:
    """A log-scale price axis with plain dollar ticks (1-2-5 steps) instead of powers of ten."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    low, high = ax.get_xlim()
    ticks = [m * 10.0**e for e in range(-4, 4) for m in (1, 2, 5) if low <= m * 10.0**e <= high]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"${value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def plot_prices(prices, self_host: tuple[str, float] | None = None):
    """Horizontal bars of blended price (log scale), open-weights rows in green; optionally one self-hosted bar."""
    import matplotlib.pyplot as plt

    bars = [(p.label, p.blended, "tab:green" if p.open_weights else "tab:blue") for p in prices]
    if self_host is not None:
        bars.append((self_host[0], self_host[1], "tab:orange"))
    bars.sort(key=lambda bar: bar[1])
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(bars) + 1.2))
    ax.barh([b[0] for b in bars], [b[1] for b in bars], color=[b[2] for b in bars])
    for y, (_name, value, _color) in enumerate(bars):  # not _: that is the translation function
        ax.text(value * 1.05, y, f"${value:.3g}", va="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlim(right=max(b[1] for b in bars) * 2)  # room for the value written after the longest bar
    _dollar_axis(ax)
    ax.set_xlabel(_("USD per million tokens, blended 3:1 input:output (log scale)"))
    legend = [("tab:blue", _("proprietary API")), ("tab:green", _("open weights, hosted API"))]
    if self_host is not None:
        legend.append(("tab:orange", _("self-hosted (measured here)")))
    ax.legend([plt.Rectangle((0, 0), 1, 1, color=c) for c, _ in legend], [name for _, name in legend],
              loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_quality_vs_price(prices, self_host: tuple[str, float] | None = None):
    """Quality score against blended price for the rows that have a score; a self-hosted price as a line.

    Every point is labelled; labels that would overlap are moved apart (and joined to their point by a line).
    """
    import matplotlib.pyplot as plt

    scored = sorted((p for p in prices if p.quality is not None), key=lambda p: p.quality)
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for p in scored:
        ax.scatter(p.blended, p.quality, color="tab:green" if p.open_weights else "tab:blue", s=50, zorder=3)
    ax.set_xscale("log")
    ax.margins(x=0.25, y=0.2)
    if self_host is not None:
        ax.axvline(self_host[1], color="tab:orange", linestyle="--")
        # Translators: a vertical line's label: the self-hosted model's name, then why it has no point.
        ax.text(self_host[1], 0.02, _(" {label}\n (no comparable score)").format(label=self_host[0]),
                transform=ax.get_xaxis_transform(), color="tab:orange", fontsize=8, va="bottom")
    middle = math.sqrt(math.prod(ax.get_xlim()))  # labels of points right of the middle go on their left
    labels = [ax.annotate(p.label, (p.blended, p.quality), textcoords="offset points",
                          xytext=(-7, 0) if p.blended > middle else (7, 0),
                          ha="right" if p.blended > middle else "left", va="center", fontsize=8,
                          arrowprops={"arrowstyle": "-", "color": "0.6", "lw": 0.6})
              for p in scored]
    _dollar_axis(ax)
    ax.set_xlabel(_("USD per million tokens, blended 3:1 (log scale)"))
    names = {p.quality_metric.split(",")[0] for p in scored}
    # Translators: {benchmark} is a benchmark's name, such as MMLU.
    ax.set_ylabel(_("{benchmark} score, as each developer reports it").format(benchmark=names.pop())
                  if len(names) == 1 else _("quality score"))
    legend = [("tab:blue", _("proprietary API")), ("tab:green", _("open weights, hosted API"))]
    ax.legend([plt.Line2D([], [], marker="o", linestyle="", color=c) for c, _ in legend], [n for _, n in legend],
              loc="lower right", fontsize=8)
    fig.tight_layout()
    _separate_labels(fig, labels)
    return fig


def _separate_labels(fig, labels, gap_points: float = 2.0, rounds: int = 50) -> None:
    """Move overlapping annotation labels apart vertically, lower ones down and upper ones up."""
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()
    to_points = 72 / fig.dpi
    for _round in range(rounds):
        moved = False
        for label in labels:
            label.update_positions(renderer)
        boxes = [Text.get_window_extent(label, renderer) for label in labels]  # the text alone, not its line
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                a, b = boxes[i], boxes[j]
                if a.x1 <= b.x0 or b.x1 <= a.x0:
                    continue
                overlap = min(a.y1, b.y1) - max(a.y0, b.y0) + gap_points / to_points
                if overlap <= 0:
                    continue
                lower, upper = (i, j) if a.y0 + a.y1 <= b.y0 + b.y1 else (j, i)
                shift = overlap / 2 * to_points
                for index, sign in ((lower, -1), (upper, 1)):
                    dx, dy = labels[index].xyann
                    labels[index].xyann = (dx, dy + sign * shift)
                moved = True
        if not moved:
            return
