"""A real browser on a real server: `quotes serve` in a subprocess, headless Chromium reading it.

Skips when Chromium is not installed (.ci/run installs it). The server listens on a free
loopback port and is stopped by its pid.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from quotes.records import Document
from quotes.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "sochi-idlib-article.txt"
SCRIPT_QUOTE = "“<script>alert(1)</script> is not an answer to the crisis,” Jane Doe, a city councillor, told reporters on Monday."
MISTURA = "Staffan de Mistura"
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


@pytest.fixture(scope="module")
def articles(extractor):
    seed_text = SEED.read_text(encoding="utf-8")
    documents = [
        Document(seed_text, id="sochi-idlib", title=seed_text.splitlines()[0]),
        Document(SCRIPT_QUOTE, id="script-test", title="Script test"),
    ]
    return list(extractor.pipe(documents))


@pytest.fixture(scope="module")
def server(tmp_path_factory, articles):
    db = tmp_path_factory.mktemp("browser") / "quotes.db"
    with Store(db) as store:
        list(store.add_many(articles))
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
