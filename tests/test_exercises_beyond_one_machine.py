"""Notebook 08's checks: right answers pass, plausible wrong ones and wrong kinds get a message.

The right answers are computed here as a learner would (from the request and from serving.csv), and none
of the checks needs llama.cpp or a running server.
"""

import time

import pytest

from open_models import CourseError, connect, read_data
from open_models.exercises.beyond_one_machine import (
    LOAD_ALLOWANCE_S,
    check_bounded_wait,
    check_engine_for_laptop,
    check_engine_for_many_users,
    check_system_message,
    check_tensor_parallel_engines,
    engines_for,
    find_engine,
)
from open_models.exercises.checking import PASSED
from open_models.serving import CONNECT_TIMEOUT_S

REQUEST = {
    "model": "smollm2-135m-instruct",
    "messages": [{"role": "user", "content": "What is the capital of France?"}],
    "max_tokens": 32,
    "temperature": 0.0,
}
SYSTEM = {"role": "system", "content": "Answer in one word."}



def fresh_request():
    return {**REQUEST, "messages": [dict(m) for m in REQUEST["messages"]]}


# --- 1. a system message ---------------------------------------------------------------------------------

def test_a_new_request_with_a_system_message_first_passes():
    request = fresh_request()
    assert check_system_message.problem({**request, "messages": [SYSTEM, *request["messages"]]}, request) is None


@pytest.mark.parametrize("build, words", [
    (lambda r: {**r, "messages": [*r["messages"], SYSTEM]}, "system, then user"),
    (lambda r: {**r, "messages": [SYSTEM]}, "system, then user"),
    (lambda r: {**r, "messages": [{"role": "system", "content": " "}, *r["messages"]]}, "system message is empty"),
    (lambda r: {**r, "messages": [SYSTEM, {"role": "user", "content": "Hi"}]}, "unchanged"),
    (lambda r: {**r, "max_tokens": 1, "messages": [SYSTEM, *r["messages"]]}, "settings"),
])
def test_wrong_requests_say_what_is_wrong(build, words):
    request = fresh_request()
    assert words in check_system_message.problem(build(request), request)


def test_changing_request_itself_is_caught():
    request = fresh_request()
    request["messages"].insert(0, SYSTEM)
    assert "`request` itself was changed" in check_system_message.problem(request, request)


def test_a_request_of_the_wrong_kind_says_what_is_expected():
    assert check_system_message.says(["system", "user"], fresh_request()).startswith(
        "Not yet: the answer should be a request")


# --- 2. a bounded wait -----------------------------------------------------------------------------------

def test_the_measured_wait_on_a_closed_port_passes():
    start = time.perf_counter()
    with pytest.raises(CourseError):
        connect("http://127.0.0.1:9/v1", "any-model")
    assert check_bounded_wait.problem(time.perf_counter() - start) is None


@pytest.mark.parametrize("waited, words", [(-0.5, "negative"), (CONNECT_TIMEOUT_S + LOAD_ALLOWANCE_S + 1, "time limit")])
def test_impossible_waits_are_explained(waited, words):
    assert words in check_bounded_wait.problem(waited)


@pytest.mark.parametrize("answer", ["0.1", True, None])
def test_a_wait_that_is_not_a_number_says_what_is_expected(answer):
    assert check_bounded_wait.says(answer).startswith("Not yet: the answer should be a number of seconds")


# --- 3. engines that split a model over GPUs -------------------------------------------------------------

def splitting_engines():
    serving = read_data("serving.csv")
    return sorted(serving.loc[serving["fact"] == "tensor_parallelism", "engine"].unique())


def test_the_engines_with_a_tensor_parallelism_row_pass_in_any_order():
    engines = splitting_engines()
    assert "vLLM" in engines and len(engines) >= 2
    assert check_tensor_parallel_engines.problem(engines) is None
    assert check_tensor_parallel_engines.problem(list(reversed(engines))) is None
    assert check_tensor_parallel_engines.says(tuple(engines)) == PASSED


def test_a_missing_or_an_extra_engine_is_named():
    engines = splitting_engines()
    assert "more engine(s)" in check_tensor_parallel_engines.problem(engines[:1])
    assert "no tensor_parallelism row for llama-cpp-python server" in \
        check_tensor_parallel_engines.problem([*engines, "llama-cpp-python server"])
    assert "not an engine in serving.csv" in check_tensor_parallel_engines.problem([*engines, "Ollama"])


def test_one_name_instead_of_a_list_says_what_is_expected():
    assert check_tensor_parallel_engines.says("vLLM").startswith("Not yet: the answer should be a list")


# --- 4 and 5. choosing an engine -------------------------------------------------------------------------

def test_the_fitting_engines_come_from_serving_csv():
    assert set(engines_for("many_users")) == {"vLLM", "SGLang"}
    assert set(engines_for("laptop")) == {
        "llama.cpp server (llama-server)", "llama-cpp-python server", "MLX LM server (mlx_lm.server)"}


@pytest.mark.parametrize("answer", ["vLLM", "vllm", "SGLang", " sglang "])
def test_every_defensible_engine_for_many_users_passes(answer):
    assert check_engine_for_many_users.problem(answer) is None


@pytest.mark.parametrize("answer", ["llama.cpp", "llama-server", "llama.cpp server (llama-server)",
                                    "llama-cpp-python server", "MLX", "mlx_lm.server"])
def test_every_defensible_engine_for_a_laptop_passes(answer):
    assert check_engine_for_laptop.problem(answer) is None


@pytest.mark.parametrize("check", [check_engine_for_many_users, check_engine_for_laptop])
def test_tgi_is_refused_because_it_is_in_maintenance_mode(check):
    problem = check.problem("TGI")
    assert "maintenance mode since 2025-12-11" in problem and "still developed" in problem


@pytest.mark.parametrize("check, answer, words", [
    (check_engine_for_many_users, "llama-cpp-python server", "made for one machine"),
    (check_engine_for_many_users, "HF Inference Providers (router)", "hosted"),
    (check_engine_for_laptop, "vLLM", "made for many users"),
    (check_engine_for_laptop, "HF Inference Providers", "over the internet"),
])
def test_an_engine_made_for_other_work_gets_the_reason_from_serving_csv(check, answer, words):
    problem = check.problem(answer)
    assert words in problem and "Engines that fit:" in problem


def test_an_unknown_or_ambiguous_name_lists_the_engines():
    assert "pick one of: vLLM, SGLang" in check_engine_for_laptop.problem("Ollama")
    assert find_engine("llama") == (None, find_engine("llama")[1]) and "not an engine" in find_engine("llama")[1]


@pytest.mark.parametrize("check", [check_engine_for_many_users, check_engine_for_laptop])
def test_a_name_of_the_wrong_kind_says_what_is_expected(check):
    assert check.says(4).startswith("Not yet: the answer should be the name of one engine")
    assert check.says(...).startswith("Your turn")
