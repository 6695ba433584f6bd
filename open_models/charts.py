"""Save the charts the notebooks draw into the repository's images/ folder, for the README."""

from __future__ import annotations

import os
from pathlib import Path

from .i18n import language


def images_dir(start: Path | None = None) -> Path | None:
    """The course's images/ folder: found from the working directory upwards, or None (e.g. in Colab)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "images").is_dir() and (folder / "notebooks").is_dir():
            return folder / "images"
    return None


def save_figure(fig, name: str, start: Path | None = None) -> str | None:
    """Save ``fig`` as images/<name>.png when the course's images folder exists; return its relative path.

    In another course language the chart goes to images/<language>/<name>.png (e.g. images/zh/), so the
    Chinese notebooks never overwrite the English charts the README shows.
    """
    folder = images_dir(start)
    if folder is None:
        return None
    relative = f"{name}.png" if language() == "en" else f"{language()}/{name}.png"
    target = folder / relative
    target.parent.mkdir(exist_ok=True)
    partial = target.with_name(f".{name}.{os.getpid()}.png")  # written whole, then renamed: no half-written chart
    fig.savefig(partial, dpi=110, bbox_inches="tight")
    os.replace(partial, target)
    return f"images/{relative}"
