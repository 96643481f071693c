"""The HTML report in a real browser: Debian's Chromium, driven by Playwright (which downloads
no browser here; ``make test`` installs /usr/bin/chromium).

- A real session, made by the installed ``mock-interview`` from real speech (Whisper, the
  open-answer script with its parts timeline, the offline coach's follow-ups), reviewed into
  an HTML report: nothing is requested from the network, nothing logs an error, the charts and
  the transcript are there, the audio plays, a click on a word plays from that word, links to
  a moment and the keys work, it fits a phone and prints. The screenshot in the README is
  taken here (kept in docs/ when missing, or rewritten with UPDATE_SCREENSHOT=1).
- Untrusted text (transcripts, questions, LLM text, the script's title) is escaped
  everywhere: injected markup shows as text and runs nothing.
- The page's Content-Security-Policy blocks every request, checked against a local server
  that counts what reaches it.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from simulator.config.script import find_script
from simulator.reports.describe import answer_label
from simulator.reports.html import CSP
from simulator.review import html_report
from simulator.sessions.records import SessionDocument
from simulator.sessions.store import read_session

from conftest import ROOT, mock_interview
from tests_paths import DATA, speech

CHROMIUM = Path(os.environ.get("MOCK_INTERVIEW_CHROMIUM") or "/usr/bin/chromium")
# Lets a test start playback from a script (no click); headless Chromium needs no sound device.
CHROMIUM_ARGS = ["--autoplay-policy=no-user-gesture-required"]
SCREENSHOT = ROOT / "docs" / "report-screenshot.png"
OLD_SESSION = DATA / "sessions" / "20261202-154440-follow-up"
# Career, the open deep dive (the longest, spontaneous speech with fillers), two follow-ups.
SPEECH = ("jfk_inaugural_1961.wav", "mfa_acoustic_corpus_spontaneous.wav", "mfa_uhum.wav",
          "librivox_sense_and_sensibility_ch01_0870.wav")


# ----------------------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: make test installs it "
                    "(scripts/install-system-deps.sh --test); MOCK_INTERVIEW_CHROMIUM names "
                    "another binary")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """What a page did: console errors, uncaught exceptions, dialogs, and every URL it
    requested (request events, and what a route on ``**/*`` saw)."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    routed: list[str] = field(default_factory=list)

    def network(self) -> list[str]:
        return [u for u in self.requests + self.routed if not u.startswith(("file:", "data:"))]

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.dialogs == []
        assert self.network() == []
        assert self.routed and all(u.startswith(("file:", "data:")) for u in self.routed)


@contextmanager
def open_page(browser: Browser, path: Path, fragment: str = "",
              **context: Any) -> Iterator[tuple[Page, Watch]]:
    """``path`` in a fresh browser context (``context``: viewport and the like), watched."""
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    watch = Watch()
    page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.errors.append(f"uncaught: {e}"))
    page.on("request", lambda r: watch.requests.append(r.url))

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_route(route: Any) -> None:
        watch.routed.append(route.request.url)
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    page.on("dialog", on_dialog)
    page.route("**/*", on_route)
    try:
        page.goto(path.resolve().as_uri() + fragment)
        yield page, watch
    finally:
        ctx.close()


def audio_state(page: Page, turn: int) -> dict[str, Any]:
    return page.evaluate("""(turn) => { const a = document.getElementById("audio-" + turn);
        return {t: a.currentTime, paused: a.paused, ready: a.readyState,
                duration: a.duration}; }""", turn)


def pause_all(page: Page) -> None:
    page.evaluate("() => document.querySelectorAll('audio').forEach(a => a.pause())")


# ----------------------------------------------------------------------------- a real session


@dataclass(frozen=True)
class Report:
    path: Path
    doc: SessionDocument


@pytest.fixture(scope="module")
def real_report(tmp_path_factory) -> Report:
    """A session of the open-answer script made by the installed program from real speech,
    and its HTML report written by ``mock-interview review ID --html``."""
    answers = [str(speech(name)) for name in SPEECH]
    root = tmp_path_factory.mktemp("real-report")
    home, sessions, html = root / "home", root / "sessions", root / "report.html"
    run = mock_interview("run", "--script", "ml-engineer-open", "--answers", *answers,
                         "--answers-include-follow-ups", "--tts", "off", "--llm", "offline",
                         "--sessions-dir", str(sessions), "--json", home=home)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    review = mock_interview("review", summary["session_id"], "--html", str(html),
                            "--sessions-dir", str(sessions), home=home)
    assert review.returncode == 0, review.stderr
    doc = read_session(Path(summary["session_dir"]))
    assert doc.status == "complete" and len(doc.answers) == len(SPEECH)
    return Report(html, doc)


def words_of(page: Page, turn: int) -> list[dict[str, Any]]:
    return page.evaluate("""(turn) => Array.from(document.querySelectorAll(
        '.transcript[data-audio="audio-' + turn + '"] .w[data-s]')).map(w => (
        {text: w.textContent, s: parseFloat(w.dataset.s), visible: w.offsetWidth > 0}))""", turn)


@pytest.mark.slow
def test_real_report_is_offline_with_charts_transcripts_and_a_screenshot(browser, real_report):
    doc = real_report.doc
    with open_page(browser, real_report.path, viewport={"width": 1000, "height": 800}) as (
            page, watch):
        assert page.title().startswith(doc.script.title or "")
        # The glance chart: one budget and one bar per answer, with a title and a description.
        glance = page.locator("svg.chart")
        assert glance.count() == 1
        assert glance.locator("title").text_content() == (
            "Speaking time of each answer against its budget")
        assert all(answer_label(a) in (glance.locator("desc").text_content() or "")
                   for a in doc.answers)
        assert glance.locator("rect.actual").count() == len(doc.answers)
        # Each answer's bar against its budget, labelled; the open answer's parts strip.
        bars = page.locator("article.answer svg.bar")
        assert bars.count() == len(doc.answers)
        for i in range(bars.count()):
            assert "against a budget of" in (bars.nth(i).get_attribute("aria-label") or "")
        deep = next(a for a in doc.answers if a.question_id == "deep-dive")
        strip = page.locator(f"#turn-{deep.turn} svg.strip")
        assert strip.count() == 1
        assert (strip.locator("title").first.text_content() or "").startswith(
            "Where each part was said")
        assert strip.locator("rect").count() >= 1
        assert page.locator(f"#turn-{deep.turn} .parts tbody tr").count() >= 1
        # Parts are named by their titles in the script (the JSON keeps the ids).
        script = find_script(doc.script.id).script
        titles = {p.title for q in script.questions for p in q.parts}
        named = page.locator(f"#turn-{deep.turn} .parts tbody th").all_inner_texts()
        assert named and {n.strip() for n in named} <= titles, named
        # The transcripts: every word of every answer, in order, with its start time.
        for a in doc.answers:
            assert a.words, a.question_id
            shown = words_of(page, a.turn)
            # The verbatim words: the transcript's, plus the fillers the second listen heard.
            verbatim = a.verbatim_words
            assert [w["text"] for w in shown] == [w.word.strip() for w in verbatim]
            assert [w["s"] for w in shown] == [round(w.start, 2) for w in verbatim]
            assert all(w["visible"] for w in shown)
            first_pass = [w for w, v in zip(shown, verbatim, strict=True)
                          if not any(v is f for f in a.fillers_added or ())]
            assert "".join(w["text"] for w in first_pass) == "".join(
                (a.transcript or "").split())
            # A pause mark in the transcript per pause the delivery counts, never more (two
            # pauses nearest one word share its mark).
            delivery = page.locator(f"#turn-{a.turn} .delivery").inner_text()
            counted = re.search(r"(\d+) pauses? of", delivery)
            assert counted is not None, delivery
            marks = page.locator(f"#turn-{a.turn} .transcript .pause").count()
            assert min(1, int(counted.group(1))) <= marks <= int(counted.group(1))
        assert page.locator("audio.player").count() == len(doc.answers)
        # The screenshot the README shows: a word being played is highlighted.
        word = page.locator(f'.transcript[data-audio="audio-{deep.turn}"] .w[data-s]').nth(12)
        word.click()
        page.wait_for_function("() => document.querySelector('.w.now') !== null", timeout=5000)
        pause_all(page)
        png = page.screenshot(full_page=True)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == 1000
        if os.environ.get("UPDATE_SCREENSHOT") == "1" or not SCREENSHOT.exists():
            # The README's: the top of the page to the end of the open answer, not all four
            # answers (the whole page is some 5,500 px tall and 750 kB).
            bottom = page.evaluate("""(turn) => document.getElementById("turn-" + turn)
                .getBoundingClientRect().bottom + window.scrollY + 16""", deep.turn)
            SCREENSHOT.write_bytes(page.screenshot(
                full_page=True, clip={"x": 0, "y": 0, "width": 1000, "height": bottom}))
        watch.assert_clean()


@pytest.mark.slow
def test_audio_plays_and_a_click_on_a_word_plays_from_that_word(browser, real_report):
    doc = real_report.doc
    with open_page(browser, real_report.path) as (page, watch):
        first = doc.answers[0]
        page.evaluate("(turn) => document.getElementById('audio-' + turn).play()", first.turn)
        page.wait_for_function(
            "(turn) => document.getElementById('audio-' + turn).currentTime > 0.5",
            arg=first.turn, timeout=10000)
        state = audio_state(page, first.turn)
        assert state["paused"] is False and state["ready"] >= 3  # HAVE_FUTURE_DATA
        assert abs(state["duration"] - (first.audio_seconds or 0)) < 0.1  # the answer's audio
        pause_all(page)
        for a in doc.answers:
            shown = words_of(page, a.turn)
            k = len(shown) * 2 // 3
            assert k > 0  # not the first word
            page.locator(f'.transcript[data-audio="audio-{a.turn}"] .w[data-s]').nth(k).click()
            state = audio_state(page, a.turn)
            assert abs(state["t"] - shown[k]["s"]) <= 0.3, (a.question_id, state, shown[k])
            assert state["paused"] is False  # and it plays from there
            page.wait_for_function(
                """([turn, s]) => { const now = document.querySelector(
                    '.transcript[data-audio="audio-' + turn + '"] .w.now');
                    return now !== null && parseFloat(now.dataset.s) >= s - 0.01; }""",
                arg=[a.turn, shown[k]["s"]], timeout=5000)
            pause_all(page)
        watch.assert_clean()


@pytest.mark.slow
def test_links_to_a_moment_and_the_keyboard(browser, real_report):
    doc = real_report.doc
    first, second = doc.answers[0], doc.answers[1]
    moment = round(second.words[len(second.words) // 2].start, 2)
    with open_page(browser, real_report.path, f"#turn-{second.turn}&t={moment}") as (page, watch):
        assert abs(audio_state(page, second.turn)["t"] - moment) <= 0.05
        top = page.evaluate(
            "(turn) => document.getElementById('turn-' + turn).getBoundingClientRect().top",
            second.turn)
        assert abs(top) < 5  # scrolled to that answer
        page.evaluate("location.hash = '#t=1.5'")  # no turn: the first answer
        page.wait_for_function(
            "(turn) => Math.abs(document.getElementById('audio-' + turn).currentTime - 1.5) < 0.05",
            arg=first.turn)
        page.evaluate("location.hash = '#t=%E0'")  # malformed: ignored, no error
        page.locator("h1").click()  # focus on the page, not on a control
        page.keyboard.press("Space")
        page.wait_for_function(
            "(turn) => document.getElementById('audio-' + turn).currentTime > 1.7",
            arg=first.turn, timeout=10000)
        assert audio_state(page, first.turn)["paused"] is False
        page.keyboard.press("Space")
        paused = audio_state(page, first.turn)
        assert paused["paused"] is True
        page.keyboard.press("ArrowRight")
        assert abs(audio_state(page, first.turn)["t"] - (paused["t"] + 5)) < 0.05
        page.keyboard.press("ArrowLeft")
        assert abs(audio_state(page, first.turn)["t"] - paused["t"]) < 0.05
        # A paragraph's time button works from the keyboard too.
        button = page.locator(f'.transcript[data-audio="audio-{second.turn}"] button.ts').first
        button.focus()
        page.keyboard.press("Enter")
        start = float(button.get_attribute("data-t") or "nan")
        assert abs(audio_state(page, second.turn)["t"] - start) <= 0.3
        assert audio_state(page, second.turn)["paused"] is False
        pause_all(page)
        watch.assert_clean()


@pytest.mark.slow
def test_it_fits_a_phone_and_prints(browser, real_report):
    with open_page(browser, real_report.path, viewport={"width": 390, "height": 844},
                   is_mobile=True, has_touch=True, device_scale_factor=2) as (page, watch):
        # Against the phone's 390 px, not innerWidth: on a mobile viewport the layout grows
        # to fit what overflows (a 451 px parts table made it 492 px, and the page zoomed
        # out), so comparing the two could not fail. Every table fits its card too.
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 391, width
        tables = page.evaluate("""() => Array.from(document.querySelectorAll('table')).map(
            t => [t.offsetWidth, t.closest('article, section').clientWidth])""")
        assert tables and all(w <= card + 1 for w, card in tables), tables
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('audio')).display") == "none"
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        watch.assert_clean()


# ----------------------------------------------------------------------------- untrusted text


SCRIPT_TAG = "<script>window.pwned=1</script>"
TEXTAREA = "</textarea><img src=x onerror=alert(1)>"
SVG = '"><svg onload=window.pwned=2>'
PAYLOAD = f"{SCRIPT_TAG} {TEXTAREA} {SVG}"


def inject(folder: Path) -> None:
    """Markup in everything the session holds as text: the script's title and role, the
    follow-up writer's settings, the questions, an LLM's failure reason, and the transcript
    (its text, its words and segments)."""
    log = folder / "events.jsonl"
    events = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    for e in events:
        if e["type"] == "session_started":
            e["script"].update(title=f"Title {PAYLOAD}", role=f"Role {SVG}")
            e["settings"]["follow_ups"] = {"writer": "llm", "model": f"model {PAYLOAD}",
                                           "endpoint": f"http://127.0.0.1:9/{SVG}",
                                           "time_limit_s": 4.0}
        elif e["type"] == "question_asked":
            e["question"] = f"Question {e['turn']} {PAYLOAD}"
            if e.get("kind") == "follow_up":
                e["fallback"] = f"reply rejected {PAYLOAD}"
                e["note"] = f"note {PAYLOAD}"
        elif e["type"] == "transcript_ready" and e["turn"] == 1:
            for k, text in ((3, SCRIPT_TAG), (6, TEXTAREA), (9, SVG)):
                e["words"][k]["word"] = " " + text
            e["text"] = "".join(w["word"] for w in e["words"]).strip()
            e["segments"] = [{"start": e["words"][0]["start"], "end": e["words"][-1]["end"],
                              "text": e["text"]}]
    log.write_text("".join(json.dumps(e) + "\n" for e in events))
    (folder / "session.json").unlink()  # the log is the source of truth


@pytest.fixture
def injected(tmp_path, home) -> Path:
    folder = tmp_path / "sessions" / OLD_SESSION.name
    shutil.copytree(OLD_SESSION, folder)
    inject(folder)
    html = tmp_path / "report.html"
    html.write_text(html_report(read_session(folder)), encoding="utf-8")
    return html


def test_untrusted_text_is_escaped_in_the_html(injected):
    html = injected.read_text(encoding="utf-8")
    assert html.count("<script") == 1 and html.count("</script>") == 1  # the report's own
    for raw in ("<script>window", "<img", "<svg onload", "</textarea>", '"><svg'):
        assert raw not in html
    for escaped in ("&lt;script&gt;window.pwned=1&lt;/script&gt;",
                    "&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;",
                    "&#34;&gt;&lt;svg onload=window.pwned=2&gt;"):
        assert escaped in html
    # Each place it was put: the title, the role, the writer, the questions, the transcript.
    for where in ("Title &lt;script", "Role &#34;&gt;", "model &lt;script",
                  "Question 1 &lt;script", "Question 2 &lt;script",
                  "reply rejected &lt;script",
                  ">&lt;script&gt;window.pwned=1&lt;/script&gt;</span>"):
        assert where in html, where


def test_untrusted_text_shows_as_text_and_runs_nothing_in_chromium(browser, injected):
    with open_page(browser, injected) as (page, watch):
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert page.locator("img, textarea, svg[onload], body script").count() == 1  # ours
        assert page.title().startswith(f"Title {PAYLOAD}")
        assert page.locator("h1").inner_text() == f"Title {PAYLOAD}"
        assert page.locator("#q-1").inner_text().endswith(f"Question 1 {PAYLOAD}")
        assert f"reply rejected {PAYLOAD}" in page.locator("#turn-2 .writer").inner_text()
        words = [w["text"] for w in words_of(page, 1)]
        assert words[3] == SCRIPT_TAG and words[6] == TEXTAREA and words[9] == SVG
        page.locator(".w[data-s]").nth(3).click()  # the player still works
        page.mouse.move(0, 0)
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.pwned") == "undefined"
        watch.assert_clean()


# ----------------------------------------------------------------------------- the CSP


def csp_directives(html: str) -> dict[str, list[str]]:
    found = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert len(found) == 1
    pairs = [d.split() for d in found[0].replace("&#39;", "'").split(";") if d.strip()]
    return {d[0]: d[1:] for d in pairs}


def test_the_page_policy_allows_no_network_source():
    directives = csp_directives(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">')
    assert directives["default-src"] == ["'none'"]
    assert directives["connect-src"] == ["'none'"]
    for name, sources in directives.items():
        for source in sources:
            assert source in ("'none'", "'unsafe-inline'", "data:"), (name, source)


class Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 (one server per test, reset by it)

    def do_GET(self) -> None:
        Counting.hits.append(self.path)
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def counting_server() -> Iterator[str]:
    """A local HTTP server that answers anything and counts what reaches it."""
    Counting.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_policy_blocks_every_request_in_chromium(browser, injected, counting_server):
    assert csp_directives(injected.read_text(encoding="utf-8"))["default-src"] == ["'none'"]
    with open_page(browser, injected) as (page, watch):
        result = page.evaluate("""async (host) => {
            const violations = [];
            document.addEventListener("securitypolicyviolation",
                e => violations.push(e.effectiveDirective));
            let fetched;
            try { await fetch("http://" + host + "/fetch"); fetched = "fetched"; }
            catch (e) { fetched = "rejected"; }
            const img = new Image(); img.src = "http://" + host + "/img.png";
            try { new WebSocket("ws://" + host + "/ws"); } catch (e) {}
            navigator.sendBeacon("http://" + host + "/beacon", "x");
            const audio = new Audio("http://" + host + "/a.ogg"); audio.load();
            await new Promise(r => setTimeout(r, 1000));
            return {fetched, violations}; }""", counting_server)
        assert result["fetched"] == "rejected"
        assert {"connect-src", "img-src", "media-src"} <= set(result["violations"])
        assert len(result["violations"]) >= 5
        assert any("Content Security Policy" in e for e in watch.errors)
    assert Counting.hits == []


# ----------------------------------------------------------------------------- transcript marks


def _words(*timed: tuple[str, float, float]) -> list:
    from simulator.sessions.records import WordRecord

    return [WordRecord(word=w, start=a, end=b) for w, a, b in timed]


def test_a_pause_mark_goes_before_the_word_whisper_started_inside_the_pause():
    """Whisper starts the first word after a pause early, inside it: the mark goes at the
    gap that overlaps the pause most ("trust. [pause] The data"), not after "The"."""
    from simulator.analysis.delivery import Pause
    from simulator.reports.html import _pause_before

    words = _words(("trust.", 0.0, 1.0), ("The", 1.5, 1.8), ("data", 1.9, 2.2))
    assert _pause_before(words, [Pause(1.05, 1.9)]) == {1: 0.85}
    # A word drawn over the whole pause: before it, as it follows the full stop.
    words = _words(("online.", 0.0, 1.0), ("For", 1.0, 2.0), ("the", 2.0, 2.2))
    assert _pause_before(words, [Pause(1.1, 1.9)]) == {1: 0.8}


def test_word_pieces_are_shown_without_a_space_before_them():
    from simulator.reports.describe import glued, joined_words

    assert all(glued(piece) for piece in ("-time", "%", ".2", ",", "’s"))
    assert not any(glued(word) for word in ("time", "2", "percent", "2.5", " --", " -", " %"))
    assert joined_words([" up", " to", " 9", ".2", " real", "-time", " --", " fine"]) == \
        "up to 9.2 real-time -- fine"
