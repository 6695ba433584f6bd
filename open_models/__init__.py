"""Helpers for the open-models course: catalog, loading and generation."""

from .bundles import bundled_gguf_path
from .cache import cache_dir, temporary_cache
from .catalog import ModelEntry, get_entry, load_catalog, model_ids, offline_ids
from .errors import CourseError
from .generation import Generation, generate
from .loading import LoadedModel, cached_copy, load_model

__all__ = [
    "CourseError",
    "Generation",
    "LoadedModel",
    "ModelEntry",
    "bundled_gguf_path",
    "cached_copy",
    "cache_dir",
    "generate",
    "get_entry",
    "load_catalog",
    "load_model",
    "model_ids",
    "offline_ids",
    "temporary_cache",
]


def _show_course_errors_briefly() -> None:
    """In IPython/Jupyter, show a CourseError as one line that says what to do, not a traceback."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        print(f"{etype.__name__}: {value}")

    shell.set_custom_exc((CourseError,), handler)


_show_course_errors_briefly()
