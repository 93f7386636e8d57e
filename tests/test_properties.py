"""Properties of extraction on any text: it never raises, offsets index the text, runs repeat.

Hypothesis draws arbitrary Unicode and text built from quotation marks, cue words, names and
line breaks (where the quote-mark and attribution rules have their corner cases). The
session's Extractor (tests/conftest.py) serves every example.
"""
from __future__ import annotations

from hypothesis import HealthCheck, Phase, example, find, given, settings
from hypothesis import strategies as st

from quotes.records import Article

QUOTE_MARKS = ["\u201c", "\u201d", '"', "'", "\u00ab", "\u00bb", "\u2018", "\u2019", "\u201e", "\u2039", "\u203a"]
OPEN_CLOSE = [("\u201c", "\u201d"), ('"', '"'), ("\u00ab", "\u00bb"), ("\u2018", "\u2019"), ("\u201e", "\u201c"),
              ("\u201c", ""), ("", "\u201d"), ('"', "")]
CUES = ["said", "says", "told reporters", "added", "warned", "was quoted as saying", "told the council", "wrote"]
SPEAKERS = ["He", "she", "the minister", "Anna Berg", "Reuters", "a spokesperson", "officials", "The Ministry of Defense",
            "President Ilse Hartmann", "they", "\u0130lker Ba\u015fbu\u011f", "Mar\u00eda L\u00f3pez"]
CONTENT = ["We will win", "the talks failed", "it is not over", "the bridge is safe", "prices will rise",
           "nobody told us", "[it] may not be possible", "don\u2019t worry", "\u041c\u044b \u0433\u043e\u0442\u043e\u0432\u044b",
           "\u05e9\u05dc\u05d5\u05dd", "the U.N. envoy for Syria, Staffan de Mistura, will stay"]
SEPARATORS = [" ", " ", "\n", "\n\n", "  ", "\t"]

words = st.sampled_from(CONTENT) | st.text(max_size=8)
content = st.lists(words, min_size=1, max_size=3).map(" ".join)


@st.composite
def sentence(draw: st.DrawFn) -> str:
    speaker, cue, said = draw(st.sampled_from(SPEAKERS)), draw(st.sampled_from(CUES)), draw(content)
    open_mark, close_mark = draw(st.sampled_from(OPEN_CLOSE))
    shape = draw(st.integers(0, 4))
    if shape == 0:  # "...," X said.
        return f"{open_mark}{said},{close_mark} {speaker} {cue}."
    if shape == 1:  # X said that ...
        return f"{speaker} {cue} {draw(st.sampled_from(['that ', '']))}{said}."
    if shape == 2:  # X said: "..."
        return f"{speaker} {cue}: {open_mark}{said}.{close_mark}"
    if shape == 3:  # X said ... "quoted fragment" ...
        return f"{speaker} {cue} {said} {open_mark}{draw(content)}{close_mark} {draw(content)}."
    return draw(content)


@st.composite
def biased_text(draw: st.DrawFn) -> str:
    """Sentences of reported speech, then stray quotation marks dropped in anywhere."""
    parts = draw(st.lists(st.tuples(sentence(), st.sampled_from(SEPARATORS)), max_size=6))
    text = "".join(s + sep for s, sep in parts)
    for position, mark in draw(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(QUOTE_MARKS)), max_size=4)):
        at = position % (len(text) + 1)
        text = text[:at] + mark + text[at:]
    return text


def check(article: Article, text: str) -> None:
    n = len(text)
    for q in article.quotes:
        assert 0 <= q.start < q.end <= n, q
        assert text[q.start:q.end] == q.text
        assert q.kind in ("direct", "mixed", "indirect")
        for start, end in ((q.cue_start, q.cue_end), (q.speaker_start, q.speaker_end)):
            if start is not None:
                assert end is not None and 0 <= start < end <= n, q


def same_twice(extractor, text: str) -> Article:
    first = extractor.extract(text, doc_id="p")
    second = extractor.extract(text, doc_id="p")
    assert [q.to_dict() for q in first.quotes] == [q.to_dict() for q in second.quotes]
    assert [e.to_dict() for e in first.entities] == [e.to_dict() for e in second.entities]
    return first


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300))
def test_arbitrary_unicode_never_breaks_extraction(extractor, text: str) -> None:
    check(same_twice(extractor, text), text)


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=biased_text())
@example(text="\u201e\u201c,\u201d He said. ")  # once gave an empty direct quote (start == end)
def test_text_full_of_quote_marks_and_cues_never_breaks_extraction(extractor, text: str) -> None:
    check(same_twice(extractor, text), text)


def test_the_biased_strategy_does_reach_every_kind_of_quote(extractor) -> None:
    # Without this, the property above could pass on texts where no attribution rule ever fires.
    def kinds(text: str) -> set[str]:
        return {q.kind for q in extractor.extract(text, doc_id="p").quotes}

    quick = settings(max_examples=300, database=None, phases=[Phase.generate], deadline=None)
    for kind in ("direct", "indirect", "mixed"):
        find(biased_text(), lambda text: kind in kinds(text), settings=quick)
