import pytest

from open_models import generate
from open_models.errors import InvalidInput
from open_models.generation import Generation, as_messages


def test_the_instruct_model_answers_a_factual_question(smollm2):
    reply = generate(smollm2, "What is the capital of France?", max_new_tokens=24)
    assert reply.text == "The capital of France is Paris."
    assert reply.prompt_tokens > 10  # the chat template wraps the question
    assert 0 < reply.new_tokens <= 24
    assert reply.seconds > 0
    assert reply.tokens_per_second == pytest.approx(reply.new_tokens / reply.seconds)


def test_greedy_decoding_is_repeatable(smollm2):
    first = generate(smollm2, "Name a primary colour.", max_new_tokens=12)
    second = generate(smollm2, "Name a primary colour.", max_new_tokens=12)
    assert first.text == second.text


def test_a_system_prompt_changes_the_answer(smollm2):
    plain = generate(smollm2, "What is the opposite of hot?", max_new_tokens=24)
    short = generate(smollm2, "What is the opposite of hot?", system="Reply with only one word.", max_new_tokens=24)
    assert "cold" in short.text.lower()
    assert short.new_tokens < plain.new_tokens
    assert short.prompt_tokens != plain.prompt_tokens


def test_the_base_model_gets_a_plain_prompt_and_continues_it(gemma):
    reply = generate(gemma, "The three primary colours are", max_new_tokens=8)
    assert reply.prompt_tokens == len(gemma.tokenizer("The three primary colours are")["input_ids"])
    assert reply.text.startswith("red, yellow and blue")


def test_max_new_tokens_bounds_the_answer(smollm2):
    reply = generate(smollm2, "Tell me a long story about a dragon.", max_new_tokens=5)
    assert reply.new_tokens == 5


@pytest.mark.parametrize("prompt", ["", "   \n", [{"role": "system", "content": "Be brief."}]])
def test_empty_prompts_are_refused(smollm2, prompt):
    with pytest.raises(InvalidInput, match="empty"):
        generate(smollm2, prompt)


@pytest.mark.parametrize("limit", [0, -3, 10_000, 2.5, True, "64"])
def test_bad_token_limits_are_refused(smollm2, limit):
    with pytest.raises(InvalidInput, match="max_new_tokens"):
        generate(smollm2, "Hi", max_new_tokens=limit)


def test_wrong_types_get_a_message():
    with pytest.raises(InvalidInput, match="load_model"):
        generate("smollm2-135m-instruct", "Hi")
    with pytest.raises(InvalidInput, match="string or a list of messages"):
        as_messages(42)
    with pytest.raises(InvalidInput, match="role"):
        as_messages([{"role": "robot", "content": "Hi"}])
    with pytest.raises(InvalidInput, match="longer than"):
        as_messages("x" * 50_000)


def test_messages_keep_their_order_and_the_system_comes_first():
    messages = as_messages([{"role": "user", "content": "Hi"}], system="Be kind.")
    assert [m["role"] for m in messages] == ["system", "user"]


def test_stats_line_reports_what_was_measured():
    g = Generation("m", "text", prompt_tokens=10, new_tokens=20, seconds=2.0)
    assert g.tokens_per_second == 10.0
    assert g.stats() == "m: 10 prompt tokens, 20 new tokens in 2.00 s (10.0 tokens/s)"
    assert str(g) == "text"


def test_stop_strings_end_the_answer_early(gemma):
    full = generate(gemma, "Q: What is the capital of France?\nA:", max_new_tokens=16)
    cut = generate(gemma, "Q: What is the capital of France?\nA:", max_new_tokens=16, stop=["\n"])
    assert "\n" in full.text and "\n" not in cut.text
    assert full.text.startswith(cut.text)
    assert cut.new_tokens < full.new_tokens


@pytest.mark.parametrize("stop", ["\n", [""], [3]])
def test_bad_stop_strings_are_refused(smollm2, stop):
    with pytest.raises(InvalidInput, match="stop"):
        generate(smollm2, "Hi", stop=stop)
