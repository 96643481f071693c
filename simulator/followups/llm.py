"""Talking to an OpenAI-compatible chat endpoint (OpenAI, Ollama, llama.cpp, vLLM, LM Studio).

Owns: where the endpoint is and which key it takes (:class:`LlmEndpoint`), the streamed request
with a hard deadline (:meth:`LlmClient.first_question`), and turning every failure into a
short reason that never contains the API key or the server's error body.

Conventions followed: ``OPENAI_BASE_URL`` and ``OPENAI_API_KEY`` from the environment,
overridden by ``--llm-base-url``; the key can also come from a command that prints it
(``--llm-api-key-command "secret-tool lookup service openai"``, or ``pass``), the way git
credential helpers work; local servers get a placeholder key. The key lives only in memory.

The request runs on a worker thread and the caller waits on a queue with a deadline, so a
stalled server costs exactly the time limit. Once the first complete question is in, the
caller goes on (the interviewer starts speaking) while the worker keeps reading for at most
:data:`DRAIN_S` more, only to record whether the model went on asking more questions; then
the stream is closed, which stops a local server generating tokens nobody will hear (and
competing with Whisper for the CPU).
"""

from __future__ import annotations

import ipaddress
import os
import queue
import shlex
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from simulator.errors import SimulatorError
from simulator.followups.checks import count_questions, first_question

if TYPE_CHECKING:  # openai itself is imported only when an endpoint is used
    from openai import Stream
    from openai.types.chat import ChatCompletionChunk, ChatCompletionMessageParam

OPENAI_DEFAULT_URL = "https://api.openai.com/v1"
OPENAI_DEFAULT_MODEL = "gpt-4o-mini"
LOCAL_PLACEHOLDER_KEY = "not-needed"  # local servers ignore the key; the client needs one
MAX_TOKENS = 96
DRAIN_S = 1.0


@dataclass(frozen=True)
class LlmEndpoint:
    base_url: str
    model: str | None
    api_key: str = field(repr=False)  # never printed, logged or saved
    key_from: str  # where the key came from, for `doctor` ("OPENAI_API_KEY", "placeholder", ...)

    @property
    def display_url(self) -> str:
        """The URL without credentials or query string: safe to show and to save."""
        return display_url(self.base_url)

    @property
    def is_openai(self) -> bool:
        return urlsplit(self.base_url).hostname == "api.openai.com"

    @property
    def is_local(self) -> bool:
        """On this machine or the local network (a server the user runs, e.g. llama.cpp)."""
        return _is_local(urlsplit(self.base_url).hostname or "")


def display_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # IPv6
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_local(host: str) -> bool:
    if _is_loopback(host) or host.endswith(".local"):
        return True
    try:
        return ipaddress.ip_address(host).is_private
    except ValueError:
        return False


def _may_carry_key(url: str) -> bool:
    """A real key travels only over TLS, or to this machine."""
    parts = urlsplit(url)
    return parts.scheme == "https" or _is_loopback(parts.hostname or "")


def endpoint_from(base_url: str | None = None, model: str | None = None,
                  key_command: str | None = None,
                  env: Mapping[str, str] | None = None) -> LlmEndpoint | None:
    """The configured endpoint, or None when nothing points at one."""
    if env is None:
        env = os.environ
    url = base_url or env.get("OPENAI_BASE_URL") or None
    env_key = env.get("OPENAI_API_KEY") or None
    if url is None and env_key is None and key_command is None:
        return None
    url = url or OPENAI_DEFAULT_URL
    check_url(url)
    if key_command:
        key, key_from = _key_from_command(key_command), "--llm-api-key-command"
    elif env_key and _may_carry_key(url):
        key, key_from = env_key, "OPENAI_API_KEY"
    elif env_key:
        # OPENAI_API_KEY is usually an OpenAI key: never send it in clear text to another
        # machine (a LAN server over http). An explicit key command is the user's choice.
        key, key_from = (LOCAL_PLACEHOLDER_KEY,
                         "placeholder (OPENAI_API_KEY is not sent over plain http)")
    else:
        key, key_from = LOCAL_PLACEHOLDER_KEY, "placeholder"
    if model is None and urlsplit(url).hostname == "api.openai.com":
        model = OPENAI_DEFAULT_MODEL
    return LlmEndpoint(base_url=url, model=model, api_key=key, key_from=key_from)


def check_url(url: str) -> None:
    """Refuse a base URL that cannot work, naming what is wrong with it."""
    example = "e.g. --llm-base-url http://127.0.0.1:8080/v1"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SimulatorError(f"LLM base URL {_shown(url)!r} is not an http(s) URL", example)
    try:
        port = parts.port  # raises ValueError for a port that is not a number up to 65535
    except ValueError:
        bad = parts.netloc.rsplit(":", 1)[-1]
        raise SimulatorError(f"LLM base URL {_shown(url)!r} has an invalid port {bad!r} "
                             "(ports are 1-65535)", example) from None
    if port == 0:
        raise SimulatorError(f"LLM base URL {_shown(url)!r} has port 0 (ports are 1-65535)",
                             example)


def _shown(url: str) -> str:
    """A URL safe to show: credentials and query string removed, even when malformed."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _key_from_command(command: str) -> str:
    try:
        done = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=10)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise SimulatorError(f"the API key command could not run: {type(exc).__name__}",
                             "check --llm-api-key-command") from None
    key = (done.stdout.splitlines() or [""])[0].strip()
    if done.returncode != 0 or not key:
        # Its output is not shown: it may hold the secret.
        raise SimulatorError(f"the API key command exited with status {done.returncode} "
                             "and printed no key", "check --llm-api-key-command")
    return key


def _what_to_do(exc: BaseException) -> str:
    """What to do about a failed probe, by what failed: a server that replied is running,
    so its reply, not its absence, is the problem."""
    import openai

    if isinstance(exc, openai.APITimeoutError):  # before APIConnectionError, its base
        return "is the server busy or still loading its model? Try again"
    if isinstance(exc, openai.APIConnectionError):
        return "start the server or fix the URL"
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code in (401, 403):
            return "use the right key: --llm-api-key-command, or OPENAI_API_KEY"
        if exc.status_code == 429:
            return "wait, or check the account's quota"
        if exc.status_code >= 500:
            return "is the server still loading its model? Try again, or read its log"
    return ("check that the URL is the server's OpenAI-compatible base, such as "
            "http://127.0.0.1:8080/v1")


def describe_error(exc: BaseException, endpoint: LlmEndpoint | None = None) -> str:
    """A short reason built from the error's kind only: server bodies can echo the key."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "the request timed out"
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__
        text = f"{type(cause).__name__}: {cause}" if cause else ""
        if "refused" in text.lower():
            return "connection refused"
        if "name" in text.lower() and "resolv" in text.lower():
            return "host name not found"
        return "connection failed"
    if isinstance(exc, openai.APIStatusError):
        meaning = {400: "bad request", 401: "authentication failed (check the API key)",
                   403: "access denied", 404: "not found (check the base URL and model)",
                   429: "rate limited or out of quota", 500: "server error",
                   502: "bad gateway", 503: "server unavailable"}.get(exc.status_code, "error")
        return f"HTTP {exc.status_code}: {meaning}"
    if isinstance(exc, openai.APIResponseValidationError | ValueError):
        return "the server sent a reply that is not valid JSON"
    if isinstance(exc, openai.APIError):
        return "the server sent a malformed or failed reply"
    return f"unexpected error ({type(exc).__name__})"


class _Received:
    """Text received so far; the worker appends, anyone reads (str assignment is atomic).
    Also holds the open stream, so that the waiting side can close it."""

    def __init__(self) -> None:
        self.text = ""
        self.drain_until: float | None = None
        self.stream: Stream[ChatCompletionChunk] | None = None

    def close(self) -> None:
        stream = self.stream
        if stream is not None:
            try:
                stream.close()
            except Exception:
                pass


@dataclass
class LlmResult:
    """What came back by the deadline."""

    question: str | None = None  # first complete question, cleaned
    reply: str = ""  # what was received when the question was complete (or at the error)
    error: str | None = None  # why there is no question (None if there is one)
    first_token_s: float | None = None  # seconds from the request to the first content
    question_s: float | None = None  # seconds from the request to the complete question
    model: str | None = None
    received: _Received = field(default_factory=_Received, repr=False)

    def full_reply(self) -> str:
        """Everything received, including what came after the question (read it later)."""
        return self.received.text or self.reply

    def extra_questions(self) -> int:
        """Further questions the model wrote after the one asked."""
        text = self.full_reply()
        return count_questions(text[text.find("?") + 1:]) if "?" in text else 0


class LlmClient:
    """One endpoint, one model; requests are cancelled at their deadline."""

    def __init__(self, endpoint: LlmEndpoint, time_limit_s: float) -> None:
        import openai

        self.endpoint = endpoint
        self.time_limit_s = time_limit_s
        self.model = endpoint.model
        self._client = openai.OpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key,
            max_retries=0,  # a retry would blow the deadline; the offline coach is the retry
            timeout=openai.Timeout(time_limit_s + 1.0, connect=min(time_limit_s, 3.0)),
        )

    def probe(self, timeout_s: float = 3.0) -> str:
        """Check that the endpoint answers and settle the model name. Returns the model.

        Raises :class:`SimulatorError` with a short, key-free reason."""
        import openai

        try:
            models = self._client.with_options(timeout=timeout_s).models.list()
            ids = [m.id for m in models.data]
        except openai.NotFoundError:
            if self.model is not None:
                return self.model  # a gateway without a model list; the model is named
            raise SimulatorError(f"LLM endpoint {self.endpoint.display_url} has no model list",
                                 "name the model with --llm-model") from None
        except Exception as exc:
            raise SimulatorError(f"LLM endpoint {self.endpoint.display_url} did not answer: "
                                 f"{describe_error(exc, self.endpoint)}",
                                 _what_to_do(exc)) from None
        if self.model is None:
            if not ids:
                raise SimulatorError(f"LLM endpoint {self.endpoint.display_url} lists no models",
                                     "name one with --llm-model")
            self.model = ids[0]
        return self.model

    def warm_up(self, system_message: str) -> threading.Thread:
        """Have a local server read the system message now, in the background.

        llama.cpp-style servers reuse the evaluated prefix of the previous request: measured
        with SmolLM2 on 2 cores, the first follow-up's first token came after 4.4 s cold and
        0.05 s once the same prefix had been read. The system message is the same for every
        follow-up of a session, so reading it while Whisper loads takes most of that cost off
        the first follow-up. Hosted APIs cache on their own, so they are not sent this."""
        def run() -> None:
            if self.model is None:  # cannot happen: probe() settles the model first
                return
            try:
                self._client.with_options(timeout=60).chat.completions.create(
                    model=self.model, max_tokens=1,
                    messages=[{"role": "system", "content": system_message},
                              {"role": "user", "content": "Ready?"}])
            except Exception:
                pass

        thread = threading.Thread(target=run, name="llm-warm-up", daemon=True)
        thread.start()
        return thread

    def first_question(self, messages: list[ChatCompletionMessageParam],
                       deadline: float) -> LlmResult:
        """Stream a completion until its first complete question, an error or ``deadline``
        (a ``time.monotonic()`` value), whichever comes first. Never raises; the caller's
        thread only ever waits on a queue."""
        if self.model is None:
            return LlmResult(error="no model name (the start-up probe did not settle one)")
        events: queue.Queue = queue.Queue()
        cancel = threading.Event()
        result = LlmResult(model=self.model)
        worker = threading.Thread(target=self._stream,
                                  args=(self.model, messages, events, cancel, result.received),
                                  name="llm-follow-up", daemon=True)
        started = time.monotonic()
        worker.start()
        try:
            return self._wait(events, result, started, deadline)
        finally:
            if result.question is None:
                cancel.set()
                # A worker blocked on a stalled socket would notice `cancel` only at its
                # read timeout: close the response now (from a throwaway thread, so that a
                # close that blocks cannot hold up the interview).
                threading.Thread(target=result.received.close, daemon=True).start()

    def _wait(self, events: queue.Queue, result: LlmResult, started: float,
              deadline: float) -> LlmResult:
        while True:
            try:
                kind, value, at = events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                result.error = (f"no complete question within the {self.time_limit_s:g} s limit"
                                + (" (the reply had started)" if result.reply else ""))
                return result
            if kind == "token":
                if result.first_token_s is None:
                    result.first_token_s = round(at - started, 3)
                result.reply += value
                question = first_question(result.reply)
                if question is not None:
                    result.received.drain_until = time.monotonic() + DRAIN_S
                    result.question = question
                    result.question_s = round(at - started, 3)
                    return result
            elif kind == "error":
                result.error = value
                return result
            else:  # "end": the stream finished without a question
                result.error = "the reply was empty" if not result.reply.strip() else \
                    "the reply held no question"
                return result

    def _stream(self, model: str, messages: list[ChatCompletionMessageParam],
                events: queue.Queue, cancel: threading.Event, received: _Received) -> None:
        try:
            create = self._client.chat.completions.create
            # Hosted OpenAI models take max_completion_tokens (its reasoning models reject
            # max_tokens and a temperature); other servers know max_tokens.
            if self.endpoint.is_openai:
                received.stream = create(model=model, messages=messages, stream=True,
                                         max_completion_tokens=MAX_TOKENS)
            else:
                received.stream = create(model=model, messages=messages, stream=True,
                                         max_tokens=MAX_TOKENS, temperature=0.4)
            if cancel.is_set():
                return
            for chunk in received.stream:
                if cancel.is_set() or (received.drain_until is not None
                                       and time.monotonic() > received.drain_until):
                    break
                for choice in getattr(chunk, "choices", None) or []:
                    delta = getattr(choice, "delta", None)
                    text = getattr(delta, "content", None) if delta is not None else None
                    if text:
                        received.text += text
                        events.put(("token", text, time.monotonic()))
            else:
                events.put(("end", None, time.monotonic()))
        except Exception as exc:
            if not cancel.is_set():
                events.put(("error", describe_error(exc, self.endpoint), time.monotonic()))
        finally:
            # Stops a local server generating further tokens.
            received.close()
