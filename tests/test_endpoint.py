"""The endpoint backend: a model behind an OpenAI-compatible server, used like a local one.

Fault tests use small servers on loopback made here (one that never answers, one that is slow);
the real-server tests start llama.cpp's server with the bundled SmolLM2 (skipped when it is not
installed, unless OPEN_MODELS_REQUIRE_LLAMACPP=1, as in CI).
"""

import json
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from open_models import generate
from open_models.compare import compare
from open_models.endpoint import connect
from open_models.errors import EndpointUnavailable, InvalidInput
from open_models.evaluate import evaluate, load_tasks
from open_models.serving import LocalServer, free_port, server_available

SECRET = "sk-test-not-a-real-key-12345"

needs_server = pytest.mark.skipif(
    not server_available() and os.environ.get("OPEN_MODELS_REQUIRE_LLAMACPP") != "1",
    reason="llama.cpp's server is not installed (pip install -r requirements-llamacpp.txt)",
)


class SlowChat(BaseHTTPRequestHandler):
    """Lists one model at once, then takes 3 s over every chat completion."""

    def do_GET(self):
        self._reply({"object": "list", "data": [{"id": "slow-model", "object": "model", "owned_by": "test"}]})

    def do_POST(self):
        time.sleep(3)
        self._reply({})

    def _reply(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowChat)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


@pytest.fixture
def silent_server():
    """Accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    listener.close()


def test_a_server_that_is_down_fails_at_once_with_a_message():
    start = time.monotonic()
    with pytest.raises(EndpointUnavailable, match="is the server running"):
        connect(f"http://127.0.0.1:{free_port()}/v1", "any-model")
    assert time.monotonic() - start < 3


def test_a_server_that_never_answers_fails_within_the_connect_timeout(silent_server):
    start = time.monotonic()
    with pytest.raises(EndpointUnavailable, match="did not answer within 5 s"):
        connect(silent_server, "any-model")
    assert time.monotonic() - start < 8


def test_a_slow_answer_fails_within_the_answer_timeout(slow_server):
    model = connect(slow_server, "slow-model", timeout=1)
    start = time.monotonic()
    with pytest.raises(EndpointUnavailable, match="did not answer within 1 s"):
        generate(model, "Hello?")
    assert time.monotonic() - start < 2.5


def test_a_model_the_server_does_not_serve_is_named(slow_server):
    with pytest.raises(InvalidInput, match="serves slow-model"):
        connect(slow_server, "other-model")


def test_missing_settings_say_which_variable_to_set(monkeypatch):
    monkeypatch.delenv("OPEN_MODELS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("OPEN_MODELS_ENDPOINT_MODEL", raising=False)
    with pytest.raises(InvalidInput, match="OPEN_MODELS_ENDPOINT_URL"):
        connect()
    with pytest.raises(InvalidInput, match="OPEN_MODELS_ENDPOINT_MODEL"):
        connect("http://127.0.0.1:8000/v1")


def test_settings_come_from_the_environment_and_the_key_is_never_shown(monkeypatch, slow_server):
    monkeypatch.setenv("OPEN_MODELS_ENDPOINT_URL", slow_server)
    monkeypatch.setenv("OPEN_MODELS_ENDPOINT_MODEL", "slow-model")
    monkeypatch.setenv("OPEN_MODELS_ENDPOINT_KEY", SECRET)
    model = connect(timeout=1)
    assert model.label == "slow-model (endpoint)" and model.entry is None
    assert SECRET not in repr(model) and SECRET not in repr(model.model) and SECRET not in model.source
    with pytest.raises(EndpointUnavailable) as error:
        generate(model, "Hello?")
    assert SECRET not in str(error.value)


@pytest.fixture(scope="module")
def served():
    with LocalServer("smollm2-135m-instruct") as server:
        yield server


@needs_server
def test_the_real_server_answers_like_a_local_model(served):
    model = connect(served.base_url, served.model)
    assert model.entry.id == "smollm2-135m-instruct" and model.label == "smollm2-135m-instruct (endpoint)"
    reply = generate(model, "What is the capital of France?", max_new_tokens=16)
    assert reply.text and 0 < reply.new_tokens <= 16 and reply.prompt_tokens > 10
    assert reply.tokens_per_second == pytest.approx(reply.new_tokens / reply.seconds)


@needs_server
def test_compare_and_evaluate_run_against_the_server(served, smollm2):
    model = connect(served.base_url, served.model)
    rows = compare([smollm2, model], ["Name a colour."], max_new_tokens=8)
    assert [row["model"] for row in rows] == ["smollm2-135m-instruct", "smollm2-135m-instruct (endpoint)"]
    result = evaluate([model], load_tasks()[:3], max_new_tokens=8)
    assert len(result.items) == 3 and result.seconds[model.label] > 0


@needs_server
def test_a_stopped_server_gives_a_message_not_a_hang():
    server = LocalServer("smollm2-135m-instruct")
    model = connect(server.base_url, server.model)
    server.stop()
    assert not server.running
    start = time.monotonic()
    with pytest.raises(EndpointUnavailable, match="is the server running"):
        generate(model, "Hello?")
    assert time.monotonic() - start < 3


@pytest.mark.skipif("OPEN_MODELS_ENDPOINT_URL" not in os.environ, reason="no server named in the environment")
def test_the_server_named_in_the_environment_answers():
    model = connect()  # OPEN_MODELS_ENDPOINT_URL / _MODEL (/ _KEY), as .ci/run sets them
    reply = generate(model, "Name a primary colour.", max_new_tokens=8)
    assert reply.text and reply.new_tokens > 0 and model.label.endswith("(endpoint)")
