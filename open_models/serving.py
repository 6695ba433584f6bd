"""Models behind a server: the OpenAI-compatible protocol, used like a local model, and a local server.

vLLM, SGLang, Text Generation Inference (in maintenance mode since December 2025), llama.cpp's server and
most cloud catalogs answer the same chat-completions protocol, so one client reaches them all. ``connect`` returns an ``EndpointModel``
that ``generate``, ``compare``, ``evaluate`` and the chooser use like any other. Settings come from
arguments or the environment:

- ``OPEN_MODELS_ENDPOINT_URL``   the base URL, e.g. ``http://127.0.0.1:8000/v1``
- ``OPEN_MODELS_ENDPOINT_MODEL`` the model name the server knows
- ``OPEN_MODELS_ENDPOINT_KEY``   the API key, if the server needs one (never printed or stored)

``LocalServer`` starts llama.cpp's server (optional install) for a bundled model, on loopback only.
``engine_facts`` shows what data/serving.csv says about each engine, wrapped to fit a notebook.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from .catalog import load_catalog, read_data
from .errors import BackendMissing, EndpointUnavailable, InvalidInput
from .generation import LoadedModel
from .i18n import N_, LazyMessage, _, wrap
from .llamacpp import CONTEXT_TOKENS, threads
from .weights import bundled_gguf_path

CONNECT_TIMEOUT_S = 5.0   # how long to wait for the server to answer at all
ANSWER_TIMEOUT_S = 60.0   # how long one answer may take
STARTUP_TIMEOUT_S = 60.0  # how long llama.cpp's server may take to start
# Two lines, each short enough for a notebook's output; in the current language wherever it is shown.
SERVER_HINT = LazyMessage(N_(
    "llama.cpp's server is not installed. Install it with:\n"
    "  pip install -r requirements-llamacpp.txt  (compiles llama.cpp: about 5 minutes, once)"
))


# --- what the engines' documentation says (data/serving.csv) ----------------------------------------------

def engine_facts(facts, *, by: str = "engine", sources: bool = False, width: int = 100) -> str:
    """The serving.csv entries for ``facts`` (one name or a list), as text no wider than ``width``.

    Grouped under each engine (``by="engine"``) or under each fact (``by="fact"``), in the file's order;
    with ``sources=True`` every entry ends with the address of its source.
    """
    table = read_data("serving.csv")
    wanted = [facts] if isinstance(facts, str) else list(facts)
    known = list(dict.fromkeys(table["fact"]))
    unknown = [fact for fact in wanted if fact not in known]
    if unknown:
        raise InvalidInput(_("serving.csv has no fact {facts}. Its facts: {known}.").format(
            facts=", ".join(map(repr, unknown)), known=", ".join(known)))
    if not wanted:
        raise InvalidInput(_("serving.csv has no fact given. Its facts: {known}.").format(known=", ".join(known)))
    if by not in ("engine", "fact"):
        raise InvalidInput(_("Group by 'engine' or 'fact', not {by!r}.").format(by=by))
    rows = table[table["fact"].isin(wanted)]
    if by == "fact":
        rows = rows.sort_values("fact", key=lambda column: column.map(wanted.index), kind="stable")
    label = "fact" if by == "engine" else "engine"
    lines = []
    for heading, group in rows.groupby(by, sort=False):
        lines += ["", heading] if lines else [heading]
        for row in group.itertuples():
            lines += wrap(f"{getattr(row, label)}: {row.detail}", width, initial_indent="  ", subsequent_indent="    ")
            if sources:
                lines.append("    " + _("source: {url}").format(url=row.source))
    return "\n".join(lines)


# --- a served model --------------------------------------------------------------------------------------

class EndpointModel(LoadedModel):
    """A model behind an OpenAI-compatible server; the API key stays inside the client."""

    backend = "endpoint"

    def __init__(self, base_url: str, model: str, client, load_seconds: float):
        entry = next((e for e in load_catalog() if model in (e.id, e.hub_id)), None)
        # The source names an address, so it is written in the learner's language now (not looked up later).
        source = _("OpenAI-compatible endpoint at {address}").format(address=urlsplit(base_url).netloc)
        super().__init__(entry, source, load_seconds)
        self.base_url = base_url
        self.model = model  # the name the server knows
        self.client = client

    @property
    def id(self) -> str:
        return self.entry.id if self.entry is not None else self.model

    @property
    def has_chat_template(self) -> bool:
        return True  # a chat-completions server applies the model's template itself

    def complete(self, messages, max_new_tokens, stop):
        options = {"stop": stop} if stop else {}
        try:
            result = self.client.chat.completions.create(
                model=self.model, messages=messages, max_tokens=max_new_tokens, temperature=0.0, **options)
        except Exception as error:
            raise _unavailable(self.base_url, error, self.client.timeout) from None
        text = result.choices[0].message.content or ""
        return text.rstrip("\ufffd").strip(), result.usage.prompt_tokens, result.usage.completion_tokens


def _client(base_url: str, api_key: str | None, timeout: float):
    try:
        from openai import OpenAI
    except ImportError:
        raise BackendMissing(_("The openai client is not installed: pip install -r requirements.txt")) from None
    # Local servers ignore the key, but the client insists on one.
    return OpenAI(base_url=base_url, api_key=api_key or "no-key-needed", timeout=timeout, max_retries=0)


def _unavailable(url: str, error: Exception, seconds: float) -> EndpointUnavailable:
    import openai

    if isinstance(error, openai.APITimeoutError):
        message = _("The endpoint {url} is not usable: it did not answer within {seconds:g} s (busy or stuck?)")
    elif isinstance(error, openai.APIConnectionError):
        message = _("The endpoint {url} is not usable: nothing answered there: is the server running, "
                    "and is the address right?")
    elif isinstance(error, openai.AuthenticationError):
        message = _("The endpoint {url} is not usable: it refused the API key: "
                    "set OPEN_MODELS_ENDPOINT_KEY to a valid key")
    elif isinstance(error, openai.NotFoundError):
        message = _("The endpoint {url} is not usable: it does not serve that model or path: "
                    "check the model name and that the URL ends in /v1")
    else:
        # Translators: {error} is the error's class name and its own (English) message.
        message = _("The endpoint {url} is not usable: {error}")
    return EndpointUnavailable(message.format(url=url, seconds=seconds,
                                              error=f"{type(error).__name__}: {str(error)[:160]}"))


def connect(base_url: str | None = None, model: str | None = None, *, api_key: str | None = None,
            timeout: float = ANSWER_TIMEOUT_S) -> EndpointModel:
    """A model served at ``base_url``; fails within ``CONNECT_TIMEOUT_S`` if nothing answers."""
    base_url = (base_url or os.environ.get("OPEN_MODELS_ENDPOINT_URL") or "").strip()
    model = (model or os.environ.get("OPEN_MODELS_ENDPOINT_MODEL") or "").strip()
    if not base_url.startswith(("http://", "https://")):
        raise InvalidInput(_("Give the server's base URL, such as http://127.0.0.1:8000/v1 "
                             "(argument base_url or environment variable OPEN_MODELS_ENDPOINT_URL)."))
    if not model:
        raise InvalidInput(_("Give the model name the server knows (argument model or OPEN_MODELS_ENDPOINT_MODEL)."))
    api_key = api_key or os.environ.get("OPEN_MODELS_ENDPOINT_KEY")
    start = time.perf_counter()
    probe = _client(base_url, api_key, CONNECT_TIMEOUT_S)
    try:
        served = [m.id for m in probe.models.list().data]
    except Exception as error:
        raise _unavailable(base_url, error, CONNECT_TIMEOUT_S) from None
    if served and model not in served:
        raise InvalidInput(_("{url} serves {served}, not {model!r}.").format(
            url=base_url, served=", ".join(served), model=model))
    return EndpointModel(base_url, model, _client(base_url, api_key, timeout), time.perf_counter() - start)


# --- a local server ----------------------------------------------------------------------------------------

def server_available() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("llama_cpp", "fastapi", "uvicorn", "sse_starlette"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalServer:
    """A running llama.cpp server: ``base_url`` and ``model`` for ``connect``; ``stop()`` ends it."""

    def __init__(self, model_id: str = "smollm2-135m-instruct", *, port: int | None = None,
                 startup_timeout: float = STARTUP_TIMEOUT_S):
        if not server_available():
            raise BackendMissing(str(SERVER_HINT))
        self.model = model_id
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        handle, log_name = tempfile.mkstemp(prefix="llama-server-", suffix=".log")
        os.close(handle)
        self._log = Path(log_name)
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf_path(model_id)),
                   "--model_alias", model_id, "--host", "127.0.0.1", "--port", str(self.port),
                   "--n_ctx", str(CONTEXT_TOKENS), "--n_threads", str(threads())]
        with self._log.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        atexit.register(self.stop)  # never leave a server behind when the kernel exits
        self._wait_until_ready(startup_timeout)

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                line = self.last_log_line()
                self.stop()
                raise EndpointUnavailable(_("llama.cpp's server exited at start: {line}").format(line=line))
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=1):
                    return
            except OSError:
                time.sleep(0.25)
        line = self.last_log_line()
        self.stop()
        raise EndpointUnavailable(_("llama.cpp's server did not start within {seconds:g} s: {line}").format(
            seconds=timeout, line=line))

    def last_log_line(self) -> str:
        try:
            lines = self._log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            return _("(no output)")
        return lines[-1][:200] if lines else _("(no output)")

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.unlink(missing_ok=True)

    def __enter__(self) -> "LocalServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = (_("LocalServer({model!r} at {url}, running)") if self.running else
                 _("LocalServer({model!r} at {url}, stopped)"))
        return state.format(model=self.model, url=self.base_url)
