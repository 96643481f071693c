"""Unit tests of endpoint configuration: conventions, key handling and what may be shown."""

import pytest

from simulator.errors import SimulatorError
from simulator.followups.llm import LOCAL_PLACEHOLDER_KEY, display_url, endpoint_from

KEY = "sk-unit-test-0123456789"


def test_nothing_configured_means_no_endpoint():
    assert endpoint_from(env={}) is None


def test_openai_key_alone_means_openai_with_a_default_model():
    endpoint = endpoint_from(env={"OPENAI_API_KEY": KEY})
    assert endpoint.base_url == "https://api.openai.com/v1" and endpoint.model == "gpt-4o-mini"
    assert endpoint.api_key == KEY and KEY not in repr(endpoint)


def test_base_url_from_flag_beats_the_environment_and_local_servers_get_a_placeholder():
    endpoint = endpoint_from("http://127.0.0.1:8080/v1", env={"OPENAI_BASE_URL": "http://x/v1"})
    assert endpoint.base_url == "http://127.0.0.1:8080/v1"
    assert endpoint.api_key == LOCAL_PLACEHOLDER_KEY and endpoint.model is None


@pytest.mark.parametrize("url,sent", [
    ("https://llm.example.com/v1", True),      # TLS: the key is protected in transit
    ("http://127.0.0.1:11434/v1", True),       # this machine
    ("http://localhost:8080/v1", True),
    ("http://192.168.1.20:8080/v1", False),    # another machine, clear text: never
    ("http://llm.example.com/v1", False),
])
def test_the_real_key_never_travels_in_clear_text_to_another_machine(url, sent):
    endpoint = endpoint_from(url, env={"OPENAI_API_KEY": KEY})
    assert (endpoint.api_key == KEY) is sent


def test_key_command_is_used_and_its_failures_do_not_show_its_output(tmp_path):
    script = tmp_path / "key.sh"
    script.write_text(f"#!/bin/sh\necho {KEY}\n")
    script.chmod(0o755)
    assert endpoint_from("http://127.0.0.1:1/v1", key_command=str(script), env={}).api_key == KEY
    failing = tmp_path / "fail.sh"
    failing.write_text(f"#!/bin/sh\necho {KEY} >&2\nexit 3\n")
    failing.chmod(0o755)
    with pytest.raises(SimulatorError) as info:
        endpoint_from("http://127.0.0.1:1/v1", key_command=str(failing), env={})
    assert "status 3" in str(info.value) and KEY not in str(info.value)
    with pytest.raises(SimulatorError, match="could not run"):
        endpoint_from("http://127.0.0.1:1/v1", key_command="'unbalanced", env={})


def test_urls_are_shown_without_credentials_or_query():
    assert display_url("https://user:pw@host.example:8443/v1/?key=secret") == \
        "https://host.example:8443/v1"
    assert display_url("http://[::1]:8080/v1") == "http://[::1]:8080/v1"
    with pytest.raises(SimulatorError, match="not an http"):
        endpoint_from("ftp://x/v1", env={})


@pytest.mark.parametrize("status, advice", [
    (401, "use the right key"), (403, "use the right key"), (429, "quota"),
    (500, "still loading its model"), (400, "OpenAI-compatible base"),
    (None, "start the server")])
def test_a_failed_probe_says_what_to_do_about_what_failed(status, advice):
    """A server that replied is running: "start the server" is advice only for one that
    did not (a refused connection); a rejected key, a quota or a reply from something that
    is no OpenAI-compatible API get their own."""
    from simulator.followups.llm import LlmClient

    from fake_openai_server import FakeOpenAIServer, refused_base_url

    def probe(url: str) -> SimulatorError:
        client = LlmClient(endpoint_from(base_url=url, env={}), time_limit_s=5)
        with pytest.raises(SimulatorError) as info:
            client.probe()
        return info.value

    if status is None:
        failed = probe(refused_base_url())
    else:
        with FakeOpenAIServer("status", status=status) as server:
            failed = probe(server.base_url)
    assert advice in (failed.hint or ""), failed
