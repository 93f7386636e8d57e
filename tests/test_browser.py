"""A real browser on a real server: `quotes serve` in a subprocess, headless Chromium reading it.

Skips when Chromium is not installed (.ci/run installs it). The server listens on a free
loopback port and is stopped by its pid. Most tests read the DOM Chromium dumps; the speaker page
tests drive Chromium through the DevTools protocol on a pipe (``--remote-debugging-pipe``, no
extra package): they see every request the page makes, ask the browser what it drew, and take a
screenshot, with every host but 127.0.0.1 unreachable.
"""
from __future__ import annotations

import base64
import dataclasses
import json
import os
import queue
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from quotes.records import Document
from quotes.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "sochi-idlib-article.txt"
SCRIPT_QUOTE = "“<script>alert(1)</script> is not an answer to the crisis,” Jane Doe, a city councillor, told reporters on Monday."
MISTURA = "Staffan de Mistura"
BASH = shutil.which("bash") or "/bin/bash"
CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and os.path.exists(p)), None)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_command(db: Path, port: int) -> list[str]:
    """``quotes serve``: the console script when it is installed, else ``python -m quotes serve``."""
    quotes_cli = shutil.which("quotes")
    command = [quotes_cli] if quotes_cli else [sys.executable, "-m", "quotes"]
    return [*command, "serve", str(db), "--host", "127.0.0.1", "--port", str(port)]


# Dated copies of the seed article (which has no date), so that the envoy's chart has bars.
DATED_COPIES = (("sochi-sep", "2018-09-17"), ("sochi-dec", "2018-12-05"), ("sochi-jan", "2019-01-10"))
# A name variant that would run if it were markup.
SCRIPT_ALIAS = "<script>window.aliasRan = true</script>Janey"


@pytest.fixture(scope="module")
def articles(extractor):
    seed_text = SEED.read_text(encoding="utf-8")
    documents = [
        Document(seed_text, id="sochi-idlib", title=seed_text.splitlines()[0]),
        Document(SCRIPT_QUOTE, id="script-test", title="Script test"),
    ]
    return list(extractor.pipe(documents))


def add_speaker_aliases(db: Path) -> None:
    """speaker_aliases as the schema contract gives it (if the store has not made it): every
    speaker's own name, "De Mistura" and a name made of markup for Jane Doe."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS speaker_aliases (speaker_id TEXT NOT NULL REFERENCES speakers(id), "
            "alias TEXT NOT NULL, type TEXT, document_count INTEGER NOT NULL, PRIMARY KEY (speaker_id, alias))"
        )
        conn.execute("INSERT OR IGNORE INTO speaker_aliases (speaker_id, alias, type, document_count) "
                     "SELECT id, name, type, document_count FROM speakers")
        for name, alias in ((MISTURA, "De Mistura"), ("Jane Doe", SCRIPT_ALIAS)):
            conn.execute("INSERT OR REPLACE INTO speaker_aliases (speaker_id, alias, type, document_count) "
                         "SELECT id, ?, type, 1 FROM speakers WHERE name = ?", (alias, name))
    conn.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory, articles):
    db = tmp_path_factory.mktemp("browser") / "quotes.db"
    seed = articles[0]
    copies = [dataclasses.replace(seed, document=dataclasses.replace(seed.document, id=doc_id, published=published))
              for doc_id, published in DATED_COPIES]
    with Store(db) as store:
        list(store.add_many([*articles, *copies]))
    add_speaker_aliases(db)
    port = free_port()
    log = open(db.with_suffix(".log"), "w")
    process = subprocess.Popen(serve_command(db, port), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"quotes serve did not start: {db.with_suffix('.log').read_text()}")
                time.sleep(0.2)
        yield base
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
        log.close()


def rendered_dom(url: str, tmp_path: Path) -> str:
    """The DOM after Chromium has loaded ``url`` and run its scripts."""
    result = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium-profile'}", "--dump-dom", url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def row_id(base: str, document_id: str, speaker_filter: str = "") -> str:
    import json

    url = f"{base}/quotes/quotes.json?_shape=array&document_id={document_id}{speaker_filter}"
    return json.loads(urllib.request.urlopen(url, timeout=10).read())[0]["id"]


def test_quotes_table_shows_speakers(server, tmp_path):
    dom = rendered_dom(f"{server}/quotes/quotes", tmp_path)
    assert MISTURA in dom
    assert 'class="rows-and-columns"' in dom
    # quotes.js, served from /-/static-plugins/quotes/, ran: it folds the column descriptions.
    assert '<details class="column-descriptions-fold">' in dom


def test_search_finds_the_envoys_quote(server, tmp_path):
    dom = rendered_dom(f"{server}/quotes/quote_view?_search=constitutional", tmp_path)
    assert MISTURA in dom
    assert "last days of the attempts" in dom


def test_quote_page_highlights_the_quote_with_its_speaker(server, tmp_path, articles):
    quote = next(q for q in articles[0].quotes if q.speaker == MISTURA)
    from datasette.utils import tilde_encode

    quote_id = row_id(server, "sochi-idlib", f"&start={quote.start}")
    dom = rendered_dom(f"{server}/quotes/quotes/{tilde_encode(quote_id)}", tmp_path)
    assert f'<mark class="quote">{quote.text}</mark>' in dom
    assert f">{MISTURA}</a>" in dom


def test_script_quote_is_shown_as_text_not_run(server, tmp_path):
    from datasette.utils import tilde_encode

    quote_id = row_id(server, "script-test")
    dom = rendered_dom(f"{server}/quotes/quotes/{tilde_encode(quote_id)}", tmp_path)
    # Had the script run or been parsed as markup, the DOM would hold a <script> element.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script>alert(1)</script>" not in dom


class DevTools:
    """Headless Chromium driven through the DevTools protocol on a pipe: fd 3 carries commands to
    the browser, fd 4 its answers and events, each a JSON message ended by a NUL byte.

    Every host but 127.0.0.1 resolves to nothing, as on a machine without a network."""

    def __init__(self, profile: Path):
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Above 4, so that moving one to fd 3 or 4 never overwrites the other.
        to_browser_r, from_browser_w = (self._above(fd, 10) for fd in (to_browser_r, from_browser_w))
        command = [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--hide-scrollbars", "--window-size=1280,1600",
            f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank",
        ]
        # The pipes become fds 3 and 4 of the browser (bash: dash takes one-digit fds only; the
        # Debian chromium is a shell script that execs the binary, which keeps them).
        self.process = subprocess.Popen(
            [BASH, "-c", f'exec "$@" 3<&{to_browser_r} 4>&{from_browser_w}', "bash", *command],
            pass_fds=(to_browser_r, from_browser_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._answers: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self.events: queue.Queue = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable", session=self.session)
        self.send("Network.enable", session=self.session)
        self.send("Runtime.enable", session=self.session)

    @staticmethod
    def _above(fd: int, lowest: int) -> int:
        import fcntl

        moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, lowest)
        os.close(fd)
        return moved

    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                return
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        answer = self._answers.get(message["id"])
                    if answer is not None:
                        answer.put(message)
                else:
                    self.events.put(message)

    def send(self, method: str, session: str | None = None, timeout: float = 60, **params) -> dict:
        with self._lock:
            self._next_id += 1
            message_id = self._next_id
            answer: queue.Queue = queue.Queue()
            self._answers[message_id] = answer
        message = {"id": message_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        reply = answer.get(timeout=timeout)
        assert "error" not in reply, (method, reply["error"])
        return reply.get("result", {})

    def open(self, url: str, timeout: float = 60) -> list[dict]:
        """Load ``url`` in the page; the page's events until its load event (requests among them)."""
        self.drain()
        self.send("Page.navigate", session=self.session, url=url)
        return self.wait_for_load(timeout)

    def wait_for_load(self, timeout: float = 60) -> list[dict]:
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            event = self.events.get(timeout=max(deadline - time.monotonic(), 0.1))
            seen.append(event)
            if event.get("method") == "Page.loadEventFired":
                return seen

    def drain(self) -> list[dict]:
        drained = []
        while True:
            try:
                drained.append(self.events.get_nowait())
            except queue.Empty:
                return drained

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", session=self.session, expression=expression,
                           returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode(self.send("Page.captureScreenshot", session=self.session,
                                          format="png", captureBeyondViewport=True)["data"])
        path.write_bytes(data)
        return data

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (OSError, queue.Empty):  # the browser is gone already, or does not answer
            self.process.kill()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)
        os.close(self._to_browser)
        self._reader.join(timeout=5)
        os.close(self._from_browser)


@pytest.fixture
def browser(tmp_path):
    devtools = DevTools(tmp_path / "chromium-profile")
    try:
        yield devtools
    finally:
        devtools.close()


def requested_urls(events: list[dict]) -> list[str]:
    return [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]


def failed_requests(events: list[dict]) -> list[dict]:
    return [e["params"] for e in events if e.get("method") == "Network.loadingFailed"]


def speaker_path(base: str, name: str) -> str:
    url = f"{base}/quotes/speakers.json?_shape=array&name={urllib.request.quote(name)}"
    (row,) = json.loads(urllib.request.urlopen(url, timeout=10).read())
    return f"/quotes/speakers/{row['id']}"


# What the browser drew: the chart's bars as laid out, with their computed colour (quotes.css).
CHART_STATE = """(() => {
    const bars = Array.from(document.querySelectorAll("svg.speaker-chart rect.bar")).map(bar => {
        const box = bar.getBoundingClientRect();
        return {label: bar.getAttribute("data-label"), quotes: Number(bar.getAttribute("data-quotes")),
                width: box.width, height: box.height, fill: getComputedStyle(bar).fill};
    });
    const svg = document.querySelector("svg.speaker-chart");
    const box = svg ? svg.getBoundingClientRect() : null;
    return {
        title: document.title,
        h1: document.querySelector("h1").textContent,
        bars: bars,
        svg: box ? {width: box.width, height: box.height} : null,
        quotes: Array.from(document.querySelectorAll(".speaker-quotes li.speaker-quote")).map(li => ({
            mark: li.querySelector("mark.quote").textContent,
            quoteLink: li.querySelector("a.quote-link").getAttribute("href"),
            documentLink: li.querySelector("a.quote-document").getAttribute("href"),
        })),
        stylesheets: Array.from(document.styleSheets).map(sheet => sheet.href),
    };
})()"""


def test_speaker_page_draws_its_chart_and_quotes_offline(server, browser, tmp_path, articles):
    events = browser.open(server + speaker_path(server, MISTURA))
    state = browser.evaluate(CHART_STATE)
    assert state["h1"] == MISTURA and state["title"].startswith(MISTURA)
    # One bar per month with quotes, drawn with a size and the colour quotes.css gives it.
    per_copy = sum(q.speaker == MISTURA for q in articles[0].quotes)
    assert [(b["label"], b["quotes"]) for b in state["bars"]] == [
        ("2018-09", per_copy), ("2018-12", per_copy), ("2019-01", per_copy)]
    assert state["svg"]["width"] > 300 and state["svg"]["height"] > 50
    for bar in state["bars"]:
        assert bar["width"] > 1 and bar["height"] > 10, bar
        assert bar["fill"] == "rgb(224, 180, 0)", bar
    # The latest quotes, newest article first, each highlighted and linked.
    total = per_copy * (len(DATED_COPIES) + 1)
    assert len(state["quotes"]) == min(total, 20)
    assert state["quotes"][0]["documentLink"] == "/quotes/documents/sochi-jan"
    assert all(q["mark"] and q["quoteLink"].startswith("/quotes/quotes/") for q in state["quotes"])
    # Every request of the page went to this server, and every one of them was answered.
    urls = requested_urls(events)
    assert urls and all(url.startswith(server + "/") for url in urls), urls
    assert "/-/static-plugins/quotes/quotes.css" in {urllib.parse.urlsplit(u).path for u in urls}
    assert not failed_requests(events)
    assert all(sheet is None or sheet.startswith(server + "/") for sheet in state["stylesheets"])
    png = browser.screenshot(tmp_path / "speaker-page.png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def test_a_quotes_speaker_link_opens_the_speaker_page(server, browser, articles):
    from datasette.utils import tilde_encode

    quote = next(q for q in articles[0].quotes if q.speaker == MISTURA)
    quote_id = row_id(server, "sochi-idlib", f"&start={quote.start}")
    browser.open(f"{server}/quotes/quotes/{tilde_encode(quote_id)}")
    browser.drain()
    browser.evaluate('document.querySelector("a.quote-speaker").click()')
    events = browser.wait_for_load()
    state = browser.evaluate(CHART_STATE)
    assert state["h1"] == MISTURA and len(state["bars"]) == 3
    assert all(url.startswith(server + "/") for url in requested_urls(events))


def test_speaker_page_shows_markup_as_text(server, browser):
    browser.open(server + speaker_path(server, "Jane Doe"))
    state = browser.evaluate("""(() => ({
        aliasRan: window.aliasRan === true,
        scripts: Array.from(document.scripts).map(s => s.src || s.textContent),
        aliases: Array.from(document.querySelectorAll(".speaker-alias")).map(a => a.textContent),
        quotes: Array.from(document.querySelectorAll(".speaker-quote mark.quote")).map(m => m.textContent),
    }))()""")
    assert not state["aliasRan"]
    assert not any("alert" in s or "aliasRan" in s for s in state["scripts"]), state["scripts"]
    assert state["aliases"] == [SCRIPT_ALIAS]
    assert any("<script>alert(1)</script>" in q for q in state["quotes"])
