"""The fake OpenAI server behaves as promised, checked with the real ``openai`` client."""

from __future__ import annotations

import threading
import time

import openai
import pytest

from fake_openai_server import FakeOpenAIServer, refused_base_url, split_reply

MESSAGES = [{"role": "user", "content": "Tell me about a project you led."}]


def client_for(base_url: str, **kwargs) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key="sk-test", max_retries=0, **kwargs)


def contents(stream) -> list[str]:
    return [c.choices[0].delta.content for c in stream if c.choices and c.choices[0].delta.content]


def test_ok_stream_arrives_piece_by_piece():
    reply = "Why that model?"
    with FakeOpenAIServer("ok", reply=reply, chunk_delay=0.2) as server:
        client = client_for(server.base_url, timeout=5.0)
        client.models.list()  # warm up the client (lazy imports) so timings are about the server
        start = time.monotonic()
        stream = client.chat.completions.create(model="fake-model", messages=MESSAGES, stream=True)
        arrivals, finish = [], None
        for chunk in stream:
            delta = chunk.choices[0].delta
            if delta.content:
                arrivals.append((time.monotonic() - start, delta.content))
            finish = chunk.choices[0].finish_reason or finish

    pieces = [piece for _, piece in arrivals]
    assert pieces == split_reply(reply) and len(pieces) == 4
    assert all(3 <= len(p) <= 6 for p in pieces)
    assert "".join(pieces) == reply
    assert finish == "stop"
    assert arrivals[0][0] < 0.15, arrivals  # the first piece is not held back ...
    assert arrivals[-1][0] >= 0.55, arrivals  # ... while the last waited 3 x 0.2 s
    assert server.requests[-1]["body"]["stream"] is True
    assert server.requests[-1]["path"] == "/v1/chat/completions"


def test_ok_without_stream_is_a_plain_completion():
    with FakeOpenAIServer() as server:
        completion = client_for(server.base_url).chat.completions.create(
            model="fake-model", messages=MESSAGES)
    assert completion.choices[0].message.content == "What was the baseline you compared against?"
    assert completion.usage.total_tokens > 0


def test_status_401_echoes_the_key_and_raises_authentication_error():
    with (FakeOpenAIServer("status", status=401) as server,
          pytest.raises(openai.AuthenticationError) as err):
        client_for(server.base_url).chat.completions.create(
            model="fake-model", messages=MESSAGES, stream=True)
    assert err.value.status_code == 401
    assert "sk-test" in str(err.value)  # deliberately leaked: the client must redact it
    assert server.requests[-1]["headers"]["authorization"] == "Bearer sk-test"


def test_status_429_raises_rate_limit_error_without_retrying():
    with (FakeOpenAIServer("status", status=429) as server,
          pytest.raises(openai.RateLimitError) as err):
        client_for(server.base_url).chat.completions.create(
            model="fake-model", messages=MESSAGES, stream=True)
    assert err.value.response.headers["retry-after"] == "0"
    assert len(server.requests) == 1


def test_stall_times_out():
    with FakeOpenAIServer("stall") as server:
        client = client_for(server.base_url, timeout=1.0)
        start = time.monotonic()
        stream = client.chat.completions.create(model="fake-model", messages=MESSAGES, stream=True)
        first = next(iter(stream))  # the role chunk arrives, then nothing
        assert first.choices[0].delta.role == "assistant"
        with pytest.raises(openai.APITimeoutError):
            for _ in stream:
                pass
        assert time.monotonic() - start < 2.0


def test_malformed_stream_raises():
    with FakeOpenAIServer("malformed") as server:
        stream = client_for(server.base_url).chat.completions.create(
            model="fake-model", messages=MESSAGES, stream=True)
        # Not an openai exception: the SDK lets json.JSONDecodeError (a ValueError) escape.
        with pytest.raises(ValueError):
            list(stream)


def test_close_raises_connection_error():
    with FakeOpenAIServer("close") as server, pytest.raises(openai.APIConnectionError):
        client_for(server.base_url).chat.completions.create(
            model="fake-model", messages=MESSAGES, stream=True)
    assert len(server.requests) == 1


def test_configure_switches_behaviours_between_requests():
    with FakeOpenAIServer() as server:
        client = client_for(server.base_url)
        create = lambda: client.chat.completions.create(  # noqa: E731
            model="fake-model", messages=MESSAGES, stream=True)
        server.configure("several")
        assert "".join(contents(create())).count("?") == 3
        server.configure("none")
        assert "?" not in "".join(contents(create()))
        server.configure("empty")
        assert contents(create()) == []
        server.configure("not_stream")  # the SDK yields nothing at all, silently
        assert list(create()) == []
        server.configure("ok", reply="Why?")
        assert contents(create()) == ["Why?"]
    assert len(server.requests) == 5


def test_models_listing():
    with FakeOpenAIServer(model="interviewer-1") as server:
        models = client_for(server.base_url).models.list()
    assert [m.id for m in models] == ["interviewer-1"]
    assert server.requests[-1]["method"] == "GET"


def test_refused_base_url_gives_connection_error():
    with pytest.raises(openai.APIConnectionError):
        client_for(refused_base_url(), timeout=2.0).models.list()


def test_stop_is_prompt_while_a_stall_is_in_progress():
    server = FakeOpenAIServer("stall", stall_s=30.0).start()
    started, outcome = threading.Event(), []

    def consume() -> None:
        client = client_for(server.base_url, timeout=10.0)
        try:
            for _ in client.chat.completions.create(model="fake-model", messages=MESSAGES,
                                                    stream=True):
                started.set()
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    assert started.wait(5.0)
    begin = time.monotonic()
    server.stop()
    assert time.monotonic() - begin < 1.0
    thread.join(5.0)
    assert not thread.is_alive()
    # The stream was cut mid-body: the client sees a connection error, not a hang.
    assert outcome and type(outcome[0]) is openai.APIConnectionError  # not a timeout
