"""quotes/text.py: the clean text that is parsed, and the way back to the text as given.

Every kind of cleaning on its own, then all of them in one text; ``source_span`` is checked for
every clean character against an independent account of where it came from. No spaCy model.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotes.text import SYMBOL_RUN_KEEP, SYMBOL_RUN_MAX, Prepared, lone_surrogate, normalize_name, prepare


def origins(p: Prepared) -> list[str]:
    """What each clean character stands for in the text as given."""
    out = []
    for i in range(len(p.text)):
        start, end = p.source_span(i, i + 1)
        out.append(p.source[start:end])
    return out


# --- text that needs nothing ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "“We won,” she said.\n\nAT&T and R&D rose 5%. Café, naïve; 東京.", "a\tb"])
def test_clean_text_is_left_as_it_is(text):
    p = prepare(text)
    assert (p.source, p.text, p.maps) == (text, text, [])
    assert p.source_span(0, len(text)) == (0, len(text))
    assert p.source_span(2, 2) == (2, 2)


# --- each kind of cleaning ----------------------------------------------------------------------


@pytest.mark.parametrize("raw, clean", [
    ("&quot;", '"'), ("&amp;", "&"), ("&#8220;", "“"), ("&#x201D;", "”"), ("&#x201d;", "”"), ("&ldquo;", "“"),
    ("&rsquo;", "’"), ("&mdash;", "—"), ("&eacute;", "é"),
    ("&nbsp;", " "), ("&#160;", " "), ("&#8239;", " "),  # references to spaces: a plain space
    ("&#13;", "\n"), ("&#8232;", "\n"), ("&#x2029;", "\n"),  # references to line breaks: a line feed
])
def test_a_character_reference_becomes_its_character(raw, clean):
    p = prepare(f"x{raw}y")
    assert p.text == f"x{clean}y"
    assert origins(p) == ["x", raw, "y"]


@pytest.mark.parametrize("text", [
    "&nosuchentity; stays", "&quot without its semicolon", "AT&T & R&D", "&#; &#x; & ;", "&amp",
])
def test_what_is_no_complete_character_reference_stays(text):
    assert prepare(text).text == text


@pytest.mark.parametrize("char", ["\u00ad", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff",
                                  "\u202a", "\u202c", "\u2066", "\u2069"])
def test_invisible_characters_are_removed(char):
    text = f"Ma{char}ria Lo{char}{char}pes"
    p = prepare(text)
    assert p.text == "Maria Lopes"
    assert origins(p) == list("Maria Lopes")  # each character maps to itself, not to what was removed
    assert p.source_span(0, 5) == (0, 6)  # a span across a removed character covers it
    assert p.source_span(0, len(p.text)) == (0, len(text))


@pytest.mark.parametrize("raw", ["&shy;", "&#173;", "&#xAD;", "&#8203;", "&zwj;", "&lrm;"])
def test_a_reference_to_an_invisible_character_is_removed_too(raw):
    assert prepare(f"Ma{raw}ria").text == "Maria"


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "\u2002", "\u3000", "\u1680", "\u205f"])
def test_unicode_spaces_become_plain_spaces_one_for_one(space):
    p = prepare(f"Ana{space}Lopes")
    assert p.text == "Ana Lopes"
    assert origins(p) == ["A", "n", "a", space, "L", "o", "p", "e", "s"]


@pytest.mark.parametrize("separator", ["\r", "\u2028", "\u2029", "\u0085", "\u000b", "\u000c"])
def test_line_separators_become_line_feeds(separator):
    p = prepare(f"One.{separator}Two.")
    assert p.text == "One.\nTwo."
    assert origins(p)[4] == separator


def test_crlf_keeps_one_line_break_and_its_offsets():
    text = "One.\r\n\r\nTwo."
    p = prepare(text)
    assert p.text == "One. \n \nTwo."
    assert origins(p) == ["O", "n", "e", ".", "\r", "\n", "\r", "\n", "T", "w", "o", "."]


def test_lone_surrogates_are_removed():
    text = "We\ud800 won.\udfff"
    p = prepare(text)
    assert p.text == "We won."
    assert origins(p) == list("We won.")
    assert p.source_span(0, len(p.text)) == (0, len(text) - 1)


@pytest.mark.parametrize("run", ["  ", "   ", "\t\t", " \t ", "\t "])
def test_two_spaces_or_more_become_one(run):
    text = f"Ana{run}Lopes"
    p = prepare(text)
    assert p.text == "Ana Lopes"
    assert origins(p)[3] == run  # the one space stands for the whole run


def test_a_single_tab_stays():
    assert prepare("Ana\tLopes").text == "Ana\tLopes"


def test_a_long_symbol_run_keeps_its_ends_and_loses_its_middle():
    run = "!" * (SYMBOL_RUN_MAX + 5)
    text = f"Wow {run} said Ana."
    p = prepare(text)
    kept = "!" * SYMBOL_RUN_KEEP
    assert p.text == f"Wow {kept} {kept} said Ana."
    middle = p.text.index(f"{kept} {kept}") + SYMBOL_RUN_KEEP
    assert origins(p)[middle] == "!" * (len(run) - 2 * SYMBOL_RUN_KEEP)


@pytest.mark.parametrize("length", [SYMBOL_RUN_MAX, SYMBOL_RUN_MAX + 1])
def test_a_symbol_run_is_long_from_symbol_run_max_plus_one(length):
    text = "a " + "?" * length + " b"
    assert (prepare(text).text == text) == (length <= SYMBOL_RUN_MAX)


def test_emoji_runs_count_as_symbols_and_words_break_runs():
    assert prepare("😀" * 12).text == "😀😀😀 😀😀😀"
    assert prepare("!!!!!!a!!!!!!").text == "!!!!!!a!!!!!!"


# --- several edits in one text --------------------------------------------------------------------


COMBINED = "&quot;We\u00a0won,&quot;  said \u00a0Ma\u00adria\u200b  Lopes\r\nof\tthe&nbsp;&nbsp;union. &#8220;Yes.&#8221;\ud800"


def test_entities_invisible_characters_and_space_runs_in_one_text():
    text = COMBINED
    p = prepare(text)
    assert p.text == '"We won," said Maria Lopes \nof\tthe union. “Yes.”'
    assert origins(p) == [
        "&quot;", "W", "e", "\u00a0", "w", "o", "n", ",", "&quot;", "  ", "s", "a", "i", "d", " \u00a0",
        "M", "a", "r", "i", "a", "  ", "L", "o", "p", "e", "s", "\r", "\n", "o", "f", "\t", "t", "h", "e",
        "&nbsp;&nbsp;", "u", "n", "i", "o", "n", ".", " ", "&#8220;", "Y", "e", "s", ".", "&#8221;"]


def test_spans_of_words_and_quotes_map_back_to_the_text_as_given():
    text = COMBINED
    p = prepare(text)

    def back(fragment: str) -> str:
        start = p.text.index(fragment)
        s, e = p.source_span(start, start + len(fragment))
        return text[s:e]

    assert back("We won,") == "We\u00a0won,"
    assert back('"We won,"') == "&quot;We\u00a0won,&quot;"
    assert back("Maria Lopes") == "Ma\u00adria\u200b  Lopes"
    assert back("the union") == "the&nbsp;&nbsp;union"
    assert back("“Yes.”") == "&#8220;Yes.&#8221;"
    assert p.source_span(0, len(p.text)) == (0, len(text) - 1)  # the lone surrogate at the end is left out


def test_an_end_before_its_start_is_an_empty_span():
    p = prepare("&quot;We won&quot;")
    assert p.source_span(3, 1) == p.source_span(3, 3)


# --- every clean character, against an independent account --------------------------------------

# (as given, as cleaned before spaces are collapsed): one piece each
PLAIN = list("abZ7.,“”\"'—é") + [" ", "\t", "\n"]
ONE_FOR_ONE = {"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\r": "\n", "\u2028": "\n", "\u2029": "\n"}
REMOVED = ["\u200b", "\u00ad", "\u200e", "\ufeff", "\ud800", "\udc00"]
REFERENCES = {"&amp;": "&", "&quot;": '"', "&#8220;": "“", "&#x201D;": "”", "&nbsp;": " ", "&#160;": " ",
              "&#13;": "\n", "&mdash;": "—", "&#x2028;": "\n"}
PIECES = st.sampled_from(PLAIN + list(ONE_FOR_ONE) + REMOVED + list(REFERENCES)) | st.just("!" * 12)
_SYMBOL = re.compile(r"[^\w\s]")


def expected(pieces: list[str]) -> list[tuple[str, int, int]]:
    """(clean character, start, end in the text as given) for each clean character, by the rules
    of the module's docstring, worked out one step at a time on the pieces."""
    chars, at = [], 0
    for piece in pieces:  # references decoded, invisible characters and surrogates out
        if piece in REFERENCES:
            chars.append([REFERENCES[piece], at, at + len(piece)])
        elif piece not in REMOVED:
            chars += [[c, at + k, at + k + 1] for k, c in enumerate(piece)]
        at += len(piece)
    for k, ch in enumerate(chars):  # the CR of a CRLF is a space, other separators line feeds
        if ch[0] == "\r" and k + 1 < len(chars) and chars[k + 1][0] == "\n":
            ch[0] = " "
        else:
            ch[0] = ONE_FOR_ONE.get(ch[0], ch[0])
    k = 0
    while k < len(chars):  # the middle of a long run of symbols becomes spaces
        end = k
        while end < len(chars) and _SYMBOL.match(chars[end][0]):
            end += 1
        if end - k > SYMBOL_RUN_MAX:
            for ch in chars[k + SYMBOL_RUN_KEEP : end - SYMBOL_RUN_KEEP]:
                ch[0] = " "
        k = max(end, k + 1)
    out: list[tuple[str, int, int]] = []
    k = 0
    while k < len(chars):  # a run of two spaces or tabs or more becomes one space standing for the run
        end = k
        while end < len(chars) and chars[end][0] in " \t":
            end += 1
        if end - k >= 2:
            out.append((" ", chars[k][1], chars[end - 1][2]))
            k = end
        else:
            out.append(tuple(chars[k]))
            k += 1
    return out


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(PIECES, max_size=40))
def test_every_clean_character_maps_back_to_what_it_came_from(pieces):
    text = "".join(pieces)
    p = prepare(text)
    want = expected(pieces)
    assert p.text == "".join(c for c, _, _ in want)
    assert [p.source_span(i, i + 1) for i in range(len(p.text))] == [(s, e) for _, s, e in want]
    # and any stretch maps to the text from its first character's start to its last one's end
    for i in range(0, len(want), 3):
        for j in range(i + 1, len(want) + 1, 4):
            assert p.source_span(i, j) == (want[i][1], want[j - 1][2])


# --- names and surrogates -------------------------------------------------------------------------


@pytest.mark.parametrize("raw, clean", [
    ("Anna\u00a0 Be\u200brg\u00adman\n", "Anna Bergman"),
    ("  Ana \t Lopes  ", "Ana Lopes"),
    ("Ana\u202fLopes", "Ana Lopes"),
    ("Ana\r\nLopes", "Ana Lopes"),
    ("\ufeffAna Lo\u2060pes\u200e", "Ana Lopes"),
    ("Ana Lopes", "Ana Lopes"),
    ("", ""),
    ("\u200b \u00ad", ""),
])
def test_normalize_name(raw, clean):
    assert normalize_name(raw) == clean
    assert normalize_name(clean) == clean


@pytest.mark.parametrize("text, offset", [
    ("plain text", None), ("", None), ("emoji 😀 is one character", None),
    ("\ud800", 0), ("ab\udfffc", 2), ("a\ud83d", 1), ("x\udc00\ud800", 1),
])
def test_lone_surrogate(text, offset):
    assert lone_surrogate(text) == offset
