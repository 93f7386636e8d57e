"""quotes/marks.py on strings written for these tests: no spaCy model, no pipeline.

``find_quoted`` returns top-level stretches in quotation marks; ``inner`` is the text without
the marks, ``outer`` the text with them.
"""
from __future__ import annotations

import pytest

from quotes.marks import QuoteIndex, Quoted, find_quoted, trim


def inner(text: str) -> list[str]:
    return [text[q.start:q.end] for q in find_quoted(text)]


def outer(text: str) -> list[str]:
    return [text[q.outer_start:q.outer_end] for q in find_quoted(text)]


# --- one quotation, every style of mark --------------------------------------------------------


@pytest.mark.parametrize("opening, closing", [
    ("“", "”"),  # English curly
    ('"', '"'),  # straight
    ("„", "“"),  # German low-high
    ("«", "»"),  # guillemets
    ("‹", "›"),  # single guillemets
    ("‘", "’"),  # single curly
    ("'", "'"),  # single straight
    ("``", "''"),  # wire copy: two backticks open, two apostrophes close
    ("''", "''"),  # wire copy: two apostrophes for a double mark
])
def test_each_style_of_marks_gives_the_words_between_them(opening, closing):
    text = f"The harbour master said {opening}the pier is closed{closing} on Sunday."
    found = find_quoted(text)
    assert len(found) == 1
    q = found[0]
    assert text[q.start:q.end] == "the pier is closed"
    assert text[q.outer_start:q.outer_end] == f"{opening}the pier is closed{closing}"
    assert (q.start - q.outer_start, q.outer_end - q.end) == (len(opening), len(closing))


def test_guillemets_pointing_inwards_as_in_french():
    text = "« Nous partons », a dit la ministre."
    assert inner(text) == [" Nous partons "]


def test_several_quotations_come_in_text_order_with_exact_offsets():
    text = "“Open the gates,” the warden said. Then: “Close them.” And «wait»."
    found = find_quoted(text)
    assert [(q.outer_start, q.outer_end) for q in found] == [
        (0, 17), (text.index("“Close"), text.index(" And")), (text.index("«"), len(text) - 1)]
    assert [text[q.start:q.end] for q in found] == ["Open the gates,", "Close them.", "wait"]


def test_curly_and_straight_marks_close_each_other():
    assert inner("“We sold the boat,\" he said.") == ["We sold the boat,"]
    assert inner("\"We sold the boat,” he said.") == ["We sold the boat,"]


def test_empty_and_punctuation_only_quotations_are_nothing():
    assert find_quoted("“” he said, and then “ , ” again, and “...” twice.") == []


def test_text_without_marks():
    assert find_quoted("") == []
    assert find_quoted("The council met on Tuesday.\n\nIt adjourned early.") == []


# --- nesting ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("“The clerk told me, ‘Come back Monday,’ so I did,” she said.", "The clerk told me, ‘Come back Monday,’ so I did,"),
    ("“The clerk told me, 'Come back Monday,' so I did,” she said.", "The clerk told me, 'Come back Monday,' so I did,"),
    ('“The clerk told me, "Come back Monday," so I did,” she said.', 'The clerk told me, "Come back Monday," so I did,'),
    ("«The clerk told me, “Come back Monday,” so I did», she said.", "The clerk told me, “Come back Monday,” so I did"),
    ("“He wrote: ‘They said “never” to us.’ That was all,” she said.",
     "He wrote: ‘They said “never” to us.’ That was all,"),
])
def test_a_nested_quotation_stays_inside_the_outer_one(text, expected):
    assert inner(text) == [expected]


def test_a_nested_quotation_closing_with_the_outer_one():
    text = "“Then the clerk said, ‘Come back Monday.’”"
    assert inner(text) == ["Then the clerk said, ‘Come back Monday.’"]
    assert outer(text) == [text]


def test_a_single_mark_left_open_inside_a_double_quotation_does_not_swallow_the_rest():
    # ‘ never closed: it was an apostrophe, and the ” still closes the outer quotation
    text = "“The ‘old mill is gone,” the farmer said. “Nothing is left.”"
    assert inner(text) == ["The ‘old mill is gone,", "Nothing is left."]


# --- apostrophes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "The council’s budget isn’t final, and the residents’ groups weren't consulted.",
    "The Smiths' house and the Joneses’ barn were sold in the ’90s.",
    "Rock 'n' roll night returns 'til midnight, and we'll sing 'em all.",
    "O’Brien and D'Arcy won’t run again.",
])
def test_apostrophes_outside_quotations_open_nothing(text):
    assert find_quoted(text) == []


@pytest.mark.parametrize("said", [
    "It isn’t over and it won't be,",  # inside words
    "We grew up in the '60s,",  # elided century
    "We grew up in the ’60s,",
    "Give ’em another year,",
    "Wait 'til the spring,",
    "We closed 'cause of the floods,",
    "We play rock 'n' roll,",
    "The ferry's engine and the drivers' union,",  # possessives
])
def test_apostrophes_inside_a_double_quotation_do_not_end_it(said):
    text = f"“{said}” the skipper said."
    assert inner(text) == [said]


@pytest.mark.parametrize("said", ["It isn’t over,", "We grew up in the ’60s,", "Give ’em another year,",
                                  "Wait 'til the spring,"])
def test_apostrophes_inside_a_single_quotation_do_not_end_it(said):
    opening, closing = ("'", "'") if "'" in said else ("‘", "’")
    text = f"{opening}{said}{closing} the skipper said."
    assert inner(text) == [said]


@pytest.mark.xfail(strict=True, reason="a ’ that closes an elision ('n’) or a plural possessive (drivers’) "
                                       "inside a single-mark quotation is taken for its closing mark")
@pytest.mark.parametrize("said", ["We play rock ’n’ roll,", "The drivers’ union agreed,"])
def test_elision_and_plural_possessive_inside_a_single_quotation(said):
    assert inner(f"‘{said}’ the skipper said.") == [said]


# --- paragraphs -------------------------------------------------------------------------------


def test_a_quotation_over_three_paragraphs_closes_only_in_the_last():
    text = ("The inspector said:\n\n“The first span is sound.\n\n“The second span needs new bolts.\n\n"
            "“The third must be rebuilt,” she added.\n\nThe bridge reopens in May.")
    found = find_quoted(text)
    assert len(found) == 1
    q = found[0]
    assert text[q.start:q.end] == ("The first span is sound.\n\n“The second span needs new bolts.\n\n"
                                   "“The third must be rebuilt,")
    assert (q.outer_start, q.outer_end) == (text.index("“The first"), text.index(" she added"))


def test_continuation_paragraphs_with_straight_marks_and_crlf_and_indents():
    text = '"The first span is sound.\r\n\r\n   "The second needs new bolts," she said.'
    assert inner(text) == ['The first span is sound.\r\n\r\n   "The second needs new bolts,']


def test_a_paragraph_that_does_not_open_with_a_mark_does_not_continue_a_quotation():
    # the first quotation, never closed, ends with its own paragraph
    text = ("“The first span is sound.\n\nThe inspector then left. She said “the rest can wait.”\n\n"
            "“Nobody argued,” the mayor said.")
    assert inner(text) == ["The first span is sound.", "the rest can wait.", "Nobody argued,"]


def test_a_quotation_left_open_mid_paragraph_ends_with_its_paragraph():
    text = "“The pier is closed,” the warden said. “Boats must wait.  \n\nThe storm passed at noon."
    found = find_quoted(text)
    assert [text[q.start:q.end] for q in found] == ["The pier is closed,", "Boats must wait."]
    # no closing mark: the outer span ends where the words do, before the trailing spaces
    assert found[1].outer_end == text.index("  \n\n")


def test_a_quotation_left_open_at_the_end_of_the_text_mid_paragraph():
    assert inner("The warden said, “Boats must wait") == ["Boats must wait"]


@pytest.mark.parametrize("text, expected", [
    ("The warden said:\n\n“Boats must wait until the storm passes.\n\nThe storm passed at noon.",
     ["Boats must wait until the storm passes."]),
    ("The warden said:\n\n“Boats must wait until the storm passes.", ["Boats must wait until the storm passes."]),
    ("“Boats must wait.\n\n“The pier is closed.\n\nThe storm passed at noon.",
     ["Boats must wait.\n\n“The pier is closed."]),
])
def test_a_quotation_opening_its_paragraph_and_never_closed_ends_with_its_paragraph(text, expected):
    assert inner(text) == expected


def test_a_line_break_ends_a_quotation_opened_mid_paragraph():
    text = "He said “one.\n“Two,” she said."
    assert inner(text) == ["one.", "Two,"]


# --- double marks written as two characters ---------------------------------------------------


def test_two_apostrophes_are_one_double_mark():
    text = "''The pier is closed,'' the warden said. ''Boats must wait.''"
    found = find_quoted(text)
    assert [text[q.start:q.end] for q in found] == ["The pier is closed,", "Boats must wait."]
    assert [(q.start - q.outer_start, q.outer_end - q.end) for q in found] == [(2, 2), (2, 2)]


def test_backticks_open_and_two_apostrophes_close():
    assert outer("He said ``the pier is closed'' twice.") == ["``the pier is closed''"]


def test_three_apostrophes_close_a_single_and_a_double_quotation():
    text = "''The warden told us, 'Boats must wait,''' the skipper said."
    found = find_quoted(text)
    assert [text[q.start:q.end] for q in found] == ["The warden told us, 'Boats must wait,'"]
    assert found[0].outer_end == text.index(" the skipper")


def test_three_apostrophes_open_a_double_and_a_single_quotation():
    text = "'''Boats must wait,' the warden told us,'' the skipper said."
    assert inner(text) == ["'Boats must wait,' the warden told us,"]


# --- an opening mark typed where the closing one belongs ----------------------------------------


def test_an_opening_mark_before_a_space_inside_an_open_quotation_closes_it():
    text = "“The pier is closed,“ the warden said. “Boats must wait.”"
    found = find_quoted(text)
    assert [text[q.start:q.end] for q in found] == ["The pier is closed,", "Boats must wait."]
    assert found[0].outer_end == text.index(" the warden")


def test_an_opening_mark_typed_as_the_last_character_closes_too():
    assert inner("The warden said “boats must wait“") == ["boats must wait"]


def test_an_opening_mark_after_a_space_still_opens():
    text = "“The pier, “the old one,” is closed,” the warden said."
    assert inner(text) == ["The pier, “the old one,” is closed,"]


# --- QuoteIndex ---------------------------------------------------------------------------------


TEXT = "A “bc” d “ef” g"  # outer spans (2, 6) and (9, 13)


@pytest.fixture
def index() -> QuoteIndex:
    found = find_quoted(TEXT)
    assert [(q.outer_start, q.outer_end) for q in found] == [(2, 6), (9, 13)]
    return QuoteIndex(found)


def test_containing_is_true_from_the_opening_mark_up_to_the_closing_one(index):
    first, second = index.quoted
    assert [index.containing(i) for i in range(len(TEXT))] == [
        None, None, first, first, first, first, None, None, None, second, second, second, second, None, None]


def test_containing_beyond_either_end_of_the_text(index):
    assert index.containing(-1) is None
    assert index.containing(1000) is None


def test_within_gives_every_quotation_overlapping_the_range(index):
    first, second = index.quoted
    assert index.within(0, len(TEXT)) == [first, second]
    assert index.within(0, 2) == []  # ends where the first opens
    assert index.within(0, 3) == [first]
    assert index.within(3, 4) == [first]  # wholly inside
    assert index.within(5, 10) == [first, second]  # starts inside the first
    assert index.within(6, 9) == []  # between the two
    assert index.within(12, 15) == [second]
    assert index.within(13, 15) == []


def test_an_empty_index():
    empty = QuoteIndex([])
    assert empty.containing(0) is None
    assert empty.within(0, 100) == []


def test_quoted_is_a_value():
    assert Quoted(1, 2, 0, 3) == Quoted(1, 2, 0, 3)
    with pytest.raises(AttributeError):
        Quoted(1, 2, 0, 3).start = 5  # type: ignore[misc]


# --- trim -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, start, end, chars, expected", [
    ("  “yes,” ", 0, 9, " “”,", (3, 6)),
    ("“yes”", 1, 4, "“”", (1, 4)),  # nothing to trim
    ("“,”", 0, 3, "“”,", (3, 3)),  # all trimmed: an empty span where the text ends
    ("abc", 2, 2, "abc", (2, 2)),
    ("x “yes” y", 2, 7, "“”", (3, 6)),  # only inside start..end
])
def test_trim(text, start, end, chars, expected):
    assert trim(text, start, end, chars) == expected
