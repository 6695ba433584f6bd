"""A model behind an OpenAI-compatible server, used like a local one.

vLLM, Text Generation Inference, llama.cpp's server and most cloud catalogs answer the same
chat-completions protocol, so one client reaches them all. Settings come from arguments or the
environment:

- ``OPEN_MODELS_ENDPOINT_URL``   the base URL, e.g. ``http://127.0.0.1:8000/v1``
- ``OPEN_MODELS_ENDPOINT_MODEL`` the model name the server knows
- ``OPEN_MODELS_ENDPOINT_KEY``   the API key, if the server needs one (never printed or stored)
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .catalog import get_entry, load_catalog
from .errors import BackendMissing, EndpointUnavailable, InvalidInput

CONNECT_TIMEOUT_S = 5.0   # how long to wait for the server to answer at all
ANSWER_TIMEOUT_S = 60.0   # how long one answer may take


@dataclass
class Endpoint:
    """Where the server is and what to ask it for; the key stays inside the client."""

    base_url: str
    model: str
    client: object = field(repr=False)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc


def _client(base_url: str, api_key: str | None, timeout: float):
    try:
        from openai import OpenAI
    except ImportError:
        raise BackendMissing("The openai client is not installed: pip install -r requirements.txt") from None
    # Local servers ignore the key, but the client insists on one.
    return OpenAI(base_url=base_url, api_key=api_key or "no-key-needed", timeout=timeout, max_retries=0)


def _catalog_entry(model: str):
    """The catalog row of a served model, matched by catalog id or Hub id, else None."""
    for entry in load_catalog():
        if model in (entry.id, entry.hub_id):
            return get_entry(entry.id)
    return None


def _unavailable(endpoint_or_url, error: Exception, seconds: float) -> EndpointUnavailable:
    import openai

    url = getattr(endpoint_or_url, "base_url", endpoint_or_url)
    if isinstance(error, openai.APITimeoutError):
        why = f"it did not answer within {seconds:g} s (busy or stuck?)"
    elif isinstance(error, openai.APIConnectionError):
        why = "nothing answered there: is the server running, and is the address right?"
    elif isinstance(error, openai.AuthenticationError):
        why = "it refused the API key: set OPEN_MODELS_ENDPOINT_KEY to a valid key"
    elif isinstance(error, openai.NotFoundError):
        why = "it does not serve that model or path: check the model name and that the URL ends in /v1"
    else:
        why = f"{type(error).__name__}: {str(error)[:160]}"
    return EndpointUnavailable(f"The endpoint {url} is not usable: {why}")


def connect(base_url: str | None = None, model: str | None = None, *, api_key: str | None = None,
            timeout: float = ANSWER_TIMEOUT_S):
    """A ``LoadedModel`` for a model served at ``base_url``; fails within ``CONNECT_TIMEOUT_S`` if nothing answers."""
    from .loading import LoadedModel

    base_url = (base_url or os.environ.get("OPEN_MODELS_ENDPOINT_URL") or "").strip()
    model = (model or os.environ.get("OPEN_MODELS_ENDPOINT_MODEL") or "").strip()
    if not base_url.startswith(("http://", "https://")):
        raise InvalidInput("Give the server's base URL, such as http://127.0.0.1:8000/v1 "
                           "(argument base_url or environment variable OPEN_MODELS_ENDPOINT_URL).")
    if not model:
        raise InvalidInput("Give the model name the server knows (argument model or OPEN_MODELS_ENDPOINT_MODEL).")
    api_key = api_key or os.environ.get("OPEN_MODELS_ENDPOINT_KEY")
    start = time.perf_counter()
    probe = _client(base_url, api_key, CONNECT_TIMEOUT_S)
    try:
        served = [m.id for m in probe.models.list().data]
    except Exception as error:
        raise _unavailable(base_url, error, CONNECT_TIMEOUT_S) from None
    if served and model not in served:
        raise InvalidInput(f"{base_url} serves {', '.join(served)}, not {model!r}.")
    endpoint = Endpoint(base_url, model, _client(base_url, api_key, timeout))
    return LoadedModel(_catalog_entry(model), None, endpoint, f"OpenAI-compatible endpoint at {endpoint.host}",
                       time.perf_counter() - start, "endpoint")


def complete(endpoint: Endpoint, messages: list[dict[str, str]], max_new_tokens: int,
             stop: list[str] | None = None) -> tuple[str, int, int]:
    """Greedy chat completion as (text, prompt tokens, new tokens)."""
    options = {"stop": stop} if stop else {}
    try:
        result = endpoint.client.chat.completions.create(
            model=endpoint.model, messages=messages, max_tokens=max_new_tokens, temperature=0.0, **options)
    except Exception as error:
        raise _unavailable(endpoint, error, endpoint.client.timeout) from None
    text = result.choices[0].message.content or ""
    return text.strip(), result.usage.prompt_tokens, result.usage.completion_tokens
