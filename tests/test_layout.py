"""quotes/layout.py on texts written for these tests: headlines, captions, RangeSet, and the
``quotes_paragraphs`` component on a blank English pipeline (no model loaded)."""
from __future__ import annotations

import pytest
import spacy

from quotes.faults import INJECT_VARIABLE
from quotes.layout import (HEADLINE_MAX_WORDS, MAX_SENTENCE_TOKENS, PARAGRAPHS_COMPONENT, RangeSet, boilerplate_lines,
                           caption_lines, paragraph_boundaries)


def lines_of(text: str, ranges: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in ranges]


# --- boilerplate_lines ----------------------------------------------------------------------


def test_headlines_teasers_and_labels_are_boilerplate_sentences_are_not():
    text = ("Harbour pier to close for repairs\n\n"
            "The pier will close on Monday, the port authority said.\n\n"
            "Related: Storm damage tops $2 million\n"
            "“We have no choice,” the harbour master said.\n"
            "Is the pier safe?\n"
            "Photos\n")
    assert lines_of(text, boilerplate_lines(text)) == [
        "Harbour pier to close for repairs", "Related: Storm damage tops $2 million", "Photos"]


@pytest.mark.parametrize("ending", [".", "!", "?", ":", '"', "”", "’", "'", "»", ")", "…"])
def test_a_line_ending_with_sentence_punctuation_is_not_boilerplate(ending):
    assert boilerplate_lines(f"The pier closes on Monday{ending}\n") == []


def test_only_short_lines_are_headlines():
    short = " ".join(["word"] * HEADLINE_MAX_WORDS)
    long = " ".join(["word"] * (HEADLINE_MAX_WORDS + 1))
    text = f"{short}\n{long}\n"
    assert boilerplate_lines(text) == [(0, len(short))]


def test_ranges_are_whole_lines_with_their_spaces_and_blank_lines_are_skipped():
    text = "Intro.\n  Pier closes  \n   \n\t\nEnd."
    assert boilerplate_lines(text) == [(7, 22)]
    assert text[7:22] == "  Pier closes  "


def test_a_repeated_headline_is_found_each_time():
    text = "Pier closes\nThe pier closes on Monday.\nPier closes"
    assert boilerplate_lines(text) == [(0, 11), (39, 50)]


def test_no_lines_no_boilerplate():
    assert boilerplate_lines("") == []
    assert boilerplate_lines("\n\n\n") == []


# --- caption_lines --------------------------------------------------------------------------


@pytest.mark.parametrize("credit", [
    "(Ana Lopes/Harbour Herald)",
    "( Harbour Herald file photo )",
    "(Photo: Ana Lopes)",
    "(Getty Images)",
    "(Handout)",
    "(Courtesy of the port authority)",
    "(Canadian Press)",
    "(Pool image)",
    "(AP Photo/Ana Lopes)   ",  # spaces after the credit
])
def test_a_line_ending_with_a_photo_credit_is_a_caption(credit):
    text = f"The mayor said the pier would reopen.\nWorkers inspect the pier on Monday. {credit}\nThe work starts soon."
    assert lines_of(text, caption_lines(text)) == [f"Workers inspect the pier on Monday. {credit}"]


@pytest.mark.parametrize("line", [
    "The pier (built in 1910) will close on Monday.",  # brackets, but not at the end
    "The vote was held in May (the second one)",  # no slash, no credit word
    "Workers inspect the pier (Ana Lopes/Harbour Herald). More text follows.",
    "(Ana Lopes/Harbour Herald) Workers inspect the pier.",
])
def test_brackets_that_are_no_credit_make_no_caption(line):
    assert caption_lines(line) == []


def test_credit_words_are_whole_words():
    assert caption_lines("The old dock (a profiled structure)") == []  # "profiled" holds "file"
    assert caption_lines("The pier (stressed beams)") == []  # "stressed" holds "press"


def test_several_captions_each_with_its_range():
    text = "Pier at dawn. (Ana Lopes/Herald)\nHe said so.\nThe dock. (File photo)"
    assert caption_lines(text) == [(0, 32), (45, 67)]


# --- RangeSet -------------------------------------------------------------------------------


def test_rangeset_holds_start_not_end():
    ranges = RangeSet([(10, 20), (0, 5), (30, 31)])  # unsorted on purpose
    inside = [i for i in range(-2, 40) if ranges.contains(i)]
    assert inside == [0, 1, 2, 3, 4, *range(10, 20), 30]


def test_empty_rangeset_and_empty_ranges():
    assert not RangeSet([]).contains(0)
    assert not RangeSet([(5, 5)]).contains(5)


def test_rangeset_over_headlines_of_a_text():
    text = "Pier closes\nThe pier closes on Monday, she said.\nRead more"
    skipped = RangeSet(boilerplate_lines(text))
    assert [text[i] for i in range(len(text)) if skipped.contains(i)] == list("Pier closes" + "Read more")


# --- the quotes_paragraphs component on a blank pipeline -------------------------------------


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("en")
    pipeline.add_pipe(PARAGRAPHS_COMPONENT)
    return pipeline


def starts(doc) -> list[int]:
    return [t.i for t in doc if t.is_sent_start]


def test_the_factory_gives_the_paragraph_splitter(nlp):
    assert nlp.pipe_names == [PARAGRAPHS_COMPONENT]
    assert nlp.get_pipe(PARAGRAPHS_COMPONENT) is paragraph_boundaries


def test_a_sentence_starts_after_every_line_break_and_nowhere_else(nlp):
    text = "The pier closes. It reopens in May.\nHarbour news\n\nShe said so.  \n  Boats wait.\r\nEnd"
    doc = nlp(text)
    after_break = [t.i + 1 for t in doc[:-1] if "\n" in t.text]
    assert after_break  # the text has line-break tokens of every shape: "\n", "\n\n", " \n ", "\r\n"
    assert starts(doc) == [0, *after_break]
    assert [s.text for s in doc.sents] == [
        "The pier closes. It reopens in May.\n", "Harbour news\n\n", "She said so.  \n  ", "Boats wait.\r\n", "End"]
    # inside a paragraph nothing is decided: a parser downstream still splits "closes. It"
    assert doc[4].is_sent_start is None


def test_no_sentence_spans_a_line_break(nlp):
    doc = nlp("“The pier\nis closed,” she said.\n\nBoats wait")
    for sent in doc.sents:
        assert "\n" not in sent.text.rstrip()


def test_a_text_without_full_stops_is_cut_every_max_sentence_tokens(nlp):
    doc = nlp("word " * (2 * MAX_SENTENCE_TOKENS + 100))
    assert [len(s) for s in doc.sents] == [MAX_SENTENCE_TOKENS, MAX_SENTENCE_TOKENS, 100]


def test_a_long_block_is_cut_after_its_last_full_stop_within_the_limit(nlp):
    # sentences of 7 words and a full stop: cuts fall after a full stop, never inside a sentence
    sentence = "one two three four five six seven. "
    doc = nlp(sentence * 100)
    lengths = [len(s) for s in doc.sents]
    assert sum(lengths) == len(doc) == 800
    assert max(lengths) <= MAX_SENTENCE_TOKENS
    assert lengths[:-1] == [8 * (MAX_SENTENCE_TOKENS // 8)] * (len(lengths) - 1)
    assert all(s[-1].text == "." for s in doc.sents)


@pytest.mark.parametrize("end", ["!", "?"])
def test_exclamation_and_question_marks_end_sentences_too(nlp, end):
    doc = nlp(f"one two three four{end} " * 100)
    assert max(len(s) for s in doc.sents) <= MAX_SENTENCE_TOKENS
    assert all(s[-1].text == end for s in doc.sents)


def test_after_the_last_full_stop_the_rest_is_cut_at_the_limit(nlp):
    # one full stop early, then a long run without any
    doc = nlp("The pier closes. " + "word " * (MAX_SENTENCE_TOKENS + 10))
    assert [len(s) for s in doc.sents] == [4, MAX_SENTENCE_TOKENS, 10]


def test_line_breaks_reset_the_count(nlp):
    paragraph = "word " * (MAX_SENTENCE_TOKENS - 10)
    doc = nlp(paragraph + "\n" + paragraph)
    assert [len(s) for s in doc.sents] == [MAX_SENTENCE_TOKENS - 9, MAX_SENTENCE_TOKENS - 10]


def test_every_sentence_of_a_mixed_text_is_within_the_limit(nlp):
    text = ("Short paragraph.\n" + "word " * 600 + "\n" + "Stop here. " * 90 + "and " * 300 + "\n\nEnd.")
    doc = nlp(text)
    assert all(len(s) <= MAX_SENTENCE_TOKENS for s in doc.sents)
    assert "".join(s.text_with_ws for s in doc.sents) == text


@pytest.mark.parametrize("text", ["", "Word", "\n"])
def test_tiny_documents_pass_through(nlp, text):
    doc = nlp(text)
    assert doc.text == text
    assert starts(doc) == ([0] if len(doc) else [])


def test_the_parse_fault_switch_fails_the_component(nlp, monkeypatch):
    monkeypatch.setenv(INJECT_VARIABLE, "parse:XQZ-LAYOUT")
    with pytest.raises(RuntimeError, match="fault injected at parse"):
        nlp("The pier closes. XQZ-LAYOUT")
    assert len(list(nlp("The pier closes.\nBoats wait.").sents)) == 2  # other documents are untouched


def test_a_lower_case_word_after_a_full_stop_continues_the_sentence():
    # "lbs." ends an abbreviation, not the sentence: no English sentence opens in lower case
    doc = paragraph_boundaries(spacy.blank("en")("He has lost 16 lbs. since May. He is happy.\nand so on"))
    starts = {t.text: t.is_sent_start for t in doc}
    assert starts["since"] is False and starts["He"] is not False and starts["and"] is True
