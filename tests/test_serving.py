"""Models behind an OpenAI-compatible server, used like a local one; llama.cpp's server on loopback; data/serving.csv.

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
from types import SimpleNamespace

import openai  # noqa: F401  (loaded up front: the timing tests measure the network, not this import)
import pytest

from open_models import SERVER_HINT, engine_facts, generate, read_data, serving
from open_models.errors import BackendMissing, EndpointUnavailable, InvalidInput
from open_models.evaluate import compare, evaluate, load_tasks
from open_models.generation import LoadedModel
from open_models.serving import EndpointModel, LocalServer, connect, free_port, server_available

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


# --- EndpointModel, with a stand-in client ---------------------------------------------------------------

class FakeClient:
    """Answers like openai.OpenAI's chat.completions.create and records each call."""

    timeout = 60.0

    def __init__(self, content=" Paris. "):
        self.calls = []
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self.create))
        self.content = content

    def create(self, **request):
        self.calls.append(request)
        return SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content=self.content))],
                               usage=SimpleNamespace(prompt_tokens=11, completion_tokens=3))


def test_a_served_model_is_a_loaded_model_and_answers_greedily():
    client = FakeClient()
    model = EndpointModel("http://127.0.0.1:8000/v1", "my-model", client, 0.1)
    assert isinstance(model, LoadedModel) and model.backend == "endpoint"
    assert model.entry is None and model.id == model.model == "my-model" and model.label == "my-model (endpoint)"
    assert model.base_url == "http://127.0.0.1:8000/v1" and model.client is client and model.has_chat_template
    assert model.source == "OpenAI-compatible endpoint at 127.0.0.1:8000"
    reply = generate(model, "Capital of France?", max_new_tokens=5)
    assert (reply.text, reply.prompt_tokens, reply.new_tokens) == ("Paris.", 11, 3)
    assert client.calls == [{"model": "my-model", "messages": [{"role": "user", "content": "Capital of France?"}],
                             "max_tokens": 5, "temperature": 0.0}]  # no stop strings: none sent
    generate(model, "Hi", stop=["\n"])
    assert client.calls[-1]["stop"] == ["\n"]


@pytest.mark.parametrize("name", ["smollm2-135m-instruct", "HuggingFaceTB/SmolLM2-135M-Instruct"])
def test_a_served_catalog_model_is_named_by_its_catalog_id(name):
    model = EndpointModel("http://127.0.0.1:8000/v1", name, FakeClient(), 0.1)
    assert model.entry.id == "smollm2-135m-instruct" and model.label == "smollm2-135m-instruct (endpoint)"
    assert model.model == name  # what the server is asked for


def test_an_empty_answer_is_an_empty_string():
    model = EndpointModel("http://127.0.0.1:8000/v1", "m", FakeClient(content=None), 0.1)
    assert generate(model, "Hi").text == ""


# --- faults, against small servers on loopback -----------------------------------------------------------

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
    assert isinstance(model, EndpointModel) and model.base_url == slow_server and model.model == "slow-model"
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
    with pytest.raises(InvalidInput, match="base URL"):
        connect("127.0.0.1:8000/v1", "m")


def test_settings_come_from_the_environment_and_the_key_is_never_shown(monkeypatch, slow_server):
    monkeypatch.setenv("OPEN_MODELS_ENDPOINT_URL", slow_server)
    monkeypatch.setenv("OPEN_MODELS_ENDPOINT_MODEL", "slow-model")
    monkeypatch.setenv("OPEN_MODELS_ENDPOINT_KEY", SECRET)
    model = connect(timeout=1)
    assert model.label == "slow-model (endpoint)" and model.entry is None
    assert SECRET not in repr(model) and SECRET not in model.source
    assert SECRET not in repr(vars(model))  # nor in any attribute's repr (the client keeps the key inside)
    with pytest.raises(EndpointUnavailable) as error:
        generate(model, "Hello?")
    assert SECRET not in str(error.value)


# --- llama.cpp's server ----------------------------------------------------------------------------------

def test_free_port_is_a_free_loopback_port():
    port = free_port()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))  # nothing holds it


def test_a_missing_server_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(serving, "server_available", lambda: False)
    with pytest.raises(BackendMissing) as caught:
        LocalServer("smollm2-135m-instruct")
    assert str(caught.value) == SERVER_HINT and "requirements-llamacpp.txt" in SERVER_HINT


@pytest.fixture(scope="module")
def served():
    with LocalServer("smollm2-135m-instruct") as server:
        yield server


@needs_server
def test_the_real_server_answers_like_a_local_model(served):
    assert served.running and served.base_url == f"http://127.0.0.1:{served.port}/v1"
    model = connect(served.base_url, served.model)
    assert model.entry.id == "smollm2-135m-instruct" and model.label == "smollm2-135m-instruct (endpoint)"
    reply = generate(model, "What is the capital of France?", max_new_tokens=16)
    assert reply.text and 0 < reply.new_tokens <= 16 and reply.prompt_tokens > 10
    assert reply.tokens_per_second == pytest.approx(reply.new_tokens / reply.seconds)


@needs_server
def test_compare_and_evaluate_run_against_the_server(served, smollm2):
    model = connect(served.base_url, served.model)
    table = compare([smollm2, model], ["Name a colour."], max_new_tokens=8)
    assert list(table["model"]) == ["smollm2-135m-instruct", "smollm2-135m-instruct (endpoint)"]
    assert (table["skipped"] == "").all()
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


@needs_server
def test_the_real_server_named_in_the_environment_answers(served, monkeypatch):
    monkeypatch.setenv("OPEN_MODELS_ENDPOINT_URL", served.base_url)  # as a learner would set them
    monkeypatch.setenv("OPEN_MODELS_ENDPOINT_MODEL", served.model)
    model = connect()
    reply = generate(model, "Name a primary colour.", max_new_tokens=8)
    assert reply.text and reply.new_tokens > 0 and model.label.endswith("(endpoint)")


# --- data/serving.csv: how the same client reaches each serving engine (sources: test_data.py) -----------

COLUMNS = ["engine", "fact", "detail", "source", "retrieved"]
ENGINES = {
    "vLLM",
    "SGLang",
    "Text Generation Inference (TGI)",
    "llama.cpp server (llama-server)",
    "llama-cpp-python server",
    "MLX LM server (mlx_lm.server)",
    "HF Inference Providers (router)",
}
KINDS = {"made_for_many_users", "made_for_one_machine", "hosted"}  # what each engine is for (notebook 08)
CONNECTION_FACTS = {"start", "base_url", "chat_route"}


def test_the_serving_file_has_the_expected_columns_and_no_empty_cell():
    table = read_data("serving.csv")
    assert list(table.columns) == COLUMNS
    assert len(table) > 0, "serving.csv is empty"
    empty = table[(table.map(str.strip) == "").any(axis=1)]
    assert empty.empty, f"rows with an empty cell: {list(empty.index + 2)}"


def test_every_engine_says_how_to_start_it_where_it_listens_and_its_chat_route():
    table = read_data("serving.csv")
    facts = table.groupby("engine")["fact"].agg(set).to_dict()
    assert ENGINES <= set(facts), f"missing engines: {sorted(ENGINES - set(facts))}"
    for engine in ENGINES:
        assert CONNECTION_FACTS <= facts[engine], f"{engine} lacks {sorted(CONNECTION_FACTS - facts[engine])}"
    chat_routes = table.loc[table["fact"] == "chat_route", "detail"]
    assert chat_routes.str.contains("/v1/chat/completions", regex=False).all()


def test_every_engine_says_what_it_is_made_for_and_tgi_is_marked_as_in_maintenance():
    facts = read_data("serving.csv").groupby("engine")["fact"].agg(set).to_dict()
    for engine, kinds in facts.items():
        assert len(kinds & KINDS) == 1, f"{engine} should have exactly one of {sorted(KINDS)}"
    retired = {engine for engine, kinds in facts.items() if "maintenance_mode" in kinds}
    assert retired == {"Text Generation Inference (TGI)"}
    table = read_data("serving.csv").set_index(["engine", "fact"])
    status = table.loc[("Text Generation Inference (TGI)", "maintenance_mode")]
    assert "2025-12-11" in status["detail"] and {"vLLM", "SGLang"} <= set(status["detail"].replace(",", " ").split())
    assert status["source"].startswith("https://github.com/huggingface/text-generation-inference")


# --- engine_facts: serving.csv as text that fits a notebook ------------------------------------------------

def test_engine_facts_groups_by_engine_and_fits_the_width():
    text = engine_facts(["start", "base_url"])
    lines = text.splitlines()
    assert lines[0] == "vLLM" and lines[1] == "  start: vllm serve <model>"
    assert max(map(len, lines)) <= 100
    assert [line for line in lines if line and not line.startswith(" ")] == list(dict.fromkeys(
        read_data("serving.csv")["engine"]))
    assert max(map(len, engine_facts("base_url", width=60).splitlines())) <= 60


def test_engine_facts_groups_by_fact_in_the_order_asked_with_sources():
    lines = engine_facts(["tensor_parallelism", "continuous_batching"], by="fact", sources=True).splitlines()
    headings = [line for line in lines if line and not line.startswith(" ")]
    assert headings == ["tensor_parallelism", "continuous_batching"]
    assert lines[1].startswith("  vLLM: ") and lines.index("continuous_batching") > 1
    sources = [line.strip() for line in lines if line.strip().startswith("source: ")]
    rows = read_data("serving.csv")
    assert len(sources) == rows["fact"].isin(["tensor_parallelism", "continuous_batching"]).sum()
    assert all(line.startswith("source: https://") for line in sources)


@pytest.mark.parametrize("facts, by, words", [
    (["start", "warp_drive"], "engine", "no fact 'warp_drive'"),
    ([], "engine", "no fact given"),
    ("start", "model", "Group by 'engine' or 'fact'"),
])
def test_engine_facts_refuses_what_serving_csv_does_not_have(facts, by, words):
    with pytest.raises(InvalidInput, match=words):
        engine_facts(facts, by=by)
