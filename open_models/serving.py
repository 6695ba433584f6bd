"""Start llama.cpp's OpenAI-compatible server on this machine, for a bundled model.

The server is a separate process listening on loopback (127.0.0.1) only. It comes with the optional
llama.cpp install: ``pip install -r requirements-llamacpp.txt``.
"""

from __future__ import annotations

import atexit
import importlib.util
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .bundles import bundled_gguf_path
from .errors import BackendMissing, EndpointUnavailable
from .llamacpp import CONTEXT_TOKENS, threads

STARTUP_TIMEOUT_S = 60.0
SERVER_HINT = (
    "llama.cpp's server is not installed. Install it with:  pip install -r requirements-llamacpp.txt  "
    "(compiles llama.cpp: about 5 minutes, once)."
)


def server_available() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("llama_cpp", "fastapi", "uvicorn", "sse_starlette"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalServer:
    """A running llama.cpp server: ``base_url`` and ``model`` for ``endpoint.connect``; ``stop()`` ends it."""

    def __init__(self, model_id: str = "smollm2-135m-instruct", *, port: int | None = None,
                 startup_timeout: float = STARTUP_TIMEOUT_S):
        if not server_available():
            raise BackendMissing(SERVER_HINT)
        self.model = model_id
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._log = Path(tempfile.mkstemp(prefix="llama-server-", suffix=".log")[1])
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
                raise EndpointUnavailable(f"llama.cpp's server exited at start: {line}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=1):
                    return
            except OSError:
                time.sleep(0.25)
        line = self.last_log_line()
        self.stop()
        raise EndpointUnavailable(f"llama.cpp's server did not start within {timeout:g} s: {line}")

    def last_log_line(self) -> str:
        try:
            lines = self._log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            return "(no output)"
        return lines[-1][:200] if lines else "(no output)"

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
        return f"LocalServer({self.model!r} at {self.base_url}, {'running' if self.running else 'stopped'})"
