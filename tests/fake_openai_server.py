"""A real, local, misbehaving OpenAI-compatible HTTP server, for tests.

``FakeOpenAIServer`` is a real HTTP server on 127.0.0.1 (a random free port) that speaks
the OpenAI chat-completions protocol: ``GET /v1/models`` and ``POST /v1/chat/completions``,
including streaming as server-sent events. It can be told to misbehave (error statuses that
echo the API key, a stream that stalls, malformed JSON, a dropped connection, ...), so the
client code's fallback paths are tested over real sockets with the real ``openai`` client,
not with mocks.

Usage::

    with FakeOpenAIServer("ok", chunk_delay=0.1) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        ...
        server.configure("status", status=401)
        ...
        assert server.requests[-1]["headers"]["authorization"] == "Bearer sk-test"

Behaviours (``POST /v1/chat/completions``; ``GET /v1/models`` answers normally in every
behaviour except "status"):

- ``ok``: the reply, streamed in small pieces if the request has ``"stream": true``
  (``first_chunk_delay`` before the first piece, ``chunk_delay`` between pieces), else one
  ``chat.completion`` JSON with ``usage``.
- ``status``: HTTP ``status`` with an OpenAI-style error body whose message ECHOES the bearer
  token (so tests can check that the client redacts it); 429 adds ``retry-after: 0``.
- ``stall``: a 200 event stream with the role chunk, then nothing until ``stall_s`` passes
  or the server stops.
- ``malformed``: a 200 event stream whose only event is ``data: {this is not json``.
- ``empty``: a valid stream with no content at all.
- ``not_stream``: ignores ``"stream": true`` and answers with plain JSON.
- ``several``: like "ok" with a reply holding three questions.
- ``none``: like "ok" with a reply holding no question.
- ``close``: reads the request, then closes the connection without answering.

Responses are HTTP/1.1 with ``Connection: close``; streams use chunked transfer encoding
(as the real API does) and are flushed event by event.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["BEHAVIOURS", "FakeOpenAIServer", "refused_base_url"]

DEFAULT_REPLY = "What was the baseline you compared against?"
SEVERAL_REPLY = "What did you own? What was the baseline? Why that model?"
NONE_REPLY = "Thanks, that was a very thorough answer."

BEHAVIOURS = frozenset(
    {"ok", "status", "stall", "malformed", "empty", "not_stream", "several", "none", "close"}
)
_OPTIONS = ("reply", "model", "status", "chunk_delay", "first_chunk_delay", "stall_s")
_PIECE_SIZES = (4, 3, 5, 6)  # cycled: deterministic pieces of 3-6 characters


def split_reply(text: str) -> list[str]:
    """The reply cut into the pieces a stream sends, deterministically (3-6 characters)."""
    pieces, start, i = [], 0, 0
    while start < len(text):
        size = _PIECE_SIZES[i % len(_PIECE_SIZES)]
        pieces.append(text[start : start + size])
        start += size
        i += 1
    return pieces


def refused_base_url() -> str:
    """A ``/v1`` base URL on 127.0.0.1 for a port with nothing listening (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    fake: FakeOpenAIServer

    def handle_error(self, request, client_address) -> None:
        # A client that gives up (timeout, closed stream) is normal here; stay quiet.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # -- plumbing --------------------------------------------------------------------

    def _read_body(self) -> Any:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return None

    def _record(self, body: Any) -> None:
        self.server.fake._record(
            {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }
        )

    def _send_json(self, status: int, payload: Any,
                   extra_headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _event(self, payload: Any) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        self._write_chunk(f"data: {text}\n\n".encode())

    def _end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _error(self, status: int, message: str, code: str | None = None) -> None:
        self._send_json(status, {"error": {"message": message, "type": "invalid_request_error",
                                           "param": None, "code": code}})

    def _status_error(self, opts: dict[str, Any]) -> None:
        auth = self.headers.get("authorization") or ""
        token = auth[7:] if auth.lower().startswith("bearer ") else auth
        status = int(opts["status"])
        extra = {"retry-after": "0"} if status == 429 else None
        body = {"error": {"message": f"Incorrect API key provided: {token}",
                          "type": "invalid_request_error", "param": None,
                          "code": "invalid_api_key"}}
        self._send_json(status, body, extra)

    # -- endpoints -------------------------------------------------------------------

    def do_GET(self) -> None:
        self._guard(self._get)

    def do_POST(self) -> None:
        self._guard(self._post)

    def _guard(self, action) -> None:
        try:
            action()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            self.close_connection = True  # the client went away; nothing to answer

    def _get(self) -> None:
        self._record(None)
        behaviour, opts = self.server.fake._snapshot()
        if self.path.rstrip("/") != "/v1/models":
            self._error(404, f"Unknown path {self.path}", "not_found")
        elif behaviour == "status":
            self._status_error(opts)
        else:
            self._send_json(200, {"object": "list", "data": [
                {"id": opts["model"], "object": "model", "created": 0, "owned_by": "test"}]})

    def _post(self) -> None:
        body = self._read_body()
        self._record(body)
        fake = self.server.fake
        behaviour, opts = fake._snapshot()
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._error(404, f"Unknown path {self.path}", "not_found")
            return
        stream = isinstance(body, dict) and body.get("stream") is True

        if behaviour == "close":
            self.close_connection = True  # no response at all; the socket just closes
            return
        if behaviour == "status":
            self._status_error(opts)
            return

        ident = fake._next_id()
        created = int(time.time())
        model = opts["model"]

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {"id": ident, "object": "chat.completion.chunk", "created": created,
                    "model": model, "choices": [{"index": 0, "delta": delta,
                                                 "logprobs": None, "finish_reason": finish}]}

        if behaviour == "stall":
            self._start_stream()
            self._event(chunk({"role": "assistant", "content": ""}))
            fake._stopping.wait(float(opts["stall_s"]))
            return  # the chunked body is never terminated: an incomplete response
        if behaviour == "malformed":
            self._start_stream()
            self._write_chunk(b"data: {this is not json\n\n")
            self._end_stream()
            return

        reply = "" if behaviour == "empty" else opts["reply"]
        if behaviour == "not_stream" or not stream:
            prompt_tokens = _count_prompt_tokens(body)
            completion_tokens = len(reply.split())
            self._send_json(200, {
                "id": ident, "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply,
                                                     "refusal": None},
                             "logprobs": None, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                          "total_tokens": prompt_tokens + completion_tokens},
            })
            return

        # ok / several / none / empty, streamed
        self._start_stream()
        self._event(chunk({"role": "assistant", "content": ""}))
        for i, piece in enumerate(split_reply(reply)):
            delay = float(opts["first_chunk_delay"] if i == 0 else opts["chunk_delay"])
            if delay > 0 and fake._stopping.wait(delay):
                return  # stopping: abandon the stream
            self._event(chunk({"content": piece}))
        self._event(chunk({}, "stop"))
        stream_options = body.get("stream_options") if isinstance(body, dict) else None
        if isinstance(stream_options, dict) and stream_options.get("include_usage"):
            prompt_tokens, completion_tokens = _count_prompt_tokens(body), len(reply.split())
            self._event({"id": ident, "object": "chat.completion.chunk", "created": created,
                         "model": model, "choices": [],
                         "usage": {"prompt_tokens": prompt_tokens,
                                   "completion_tokens": completion_tokens,
                                   "total_tokens": prompt_tokens + completion_tokens}})
        self._event("[DONE]")
        self._end_stream()


def _count_prompt_tokens(body: Any) -> int:
    """A rough token count (words) of the request's messages."""
    if not isinstance(body, dict):
        return 0
    total = 0
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            total += len(content.split())
    return total


class FakeOpenAIServer:
    """A local OpenAI-compatible server on 127.0.0.1 that misbehaves on demand.

    ``configure`` changes the behaviour (and any options passed) between requests; options
    not passed keep their values. For "several" and "none" the canned reply is used unless a
    reply was given explicitly (to the constructor, or to that ``configure`` call).
    """

    def __init__(self, behaviour: str = "ok", *, reply: str = DEFAULT_REPLY,
                 model: str = "fake-model", status: int = 500, chunk_delay: float = 0.0,
                 first_chunk_delay: float = 0.0, stall_s: float = 30.0) -> None:
        self._lock = threading.Lock()
        self._options: dict[str, Any] = {
            "reply": reply, "model": model, "status": status, "chunk_delay": chunk_delay,
            "first_chunk_delay": first_chunk_delay, "stall_s": stall_s,
        }
        self._reply_explicit = reply != DEFAULT_REPLY
        self._behaviour = "ok"
        self._set_behaviour(behaviour)
        self._counter = 0
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[dict[str, Any]] = []
        self.base_url = ""
        self.port = 0

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> FakeOpenAIServer:
        if self._server is not None:
            raise RuntimeError("FakeOpenAIServer already started")
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self.port = server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"fake-openai-{self.port}", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; returns promptly, waking any stalled or delayed stream."""
        self._stopping.set()
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
            self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- control ----------------------------------------------------------------------

    def configure(self, behaviour: str, **options: Any) -> None:
        """Change the behaviour (and any options) for the requests that follow."""
        unknown = set(options) - set(_OPTIONS)
        if unknown:
            raise TypeError(f"unknown option(s): {', '.join(sorted(unknown))}")
        with self._lock:
            self._set_behaviour(behaviour)
            self._options.update(options)
            self._reply_explicit = "reply" in options

    @property
    def behaviour(self) -> str:
        return self._behaviour

    # -- used by the handler -------------------------------------------------------------

    def _set_behaviour(self, behaviour: str) -> None:
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {behaviour!r}; "
                             f"expected one of {sorted(BEHAVIOURS)}")
        self._behaviour = behaviour

    def _snapshot(self) -> tuple[str, dict[str, Any]]:
        with self._lock:
            opts = dict(self._options)
            behaviour = self._behaviour
            if not self._reply_explicit and behaviour == "several":
                opts["reply"] = SEVERAL_REPLY
            elif not self._reply_explicit and behaviour == "none":
                opts["reply"] = NONE_REPLY
            return behaviour, opts

    def _record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(entry)

    def _next_id(self) -> str:
        with self._lock:
            self._counter += 1
            return f"chatcmpl-fake{self._counter:04d}"
