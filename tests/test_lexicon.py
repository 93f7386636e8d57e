"""quotes/lexicon.py: the bundled word lists, a cue list of one's own, and the lexicon's files as
a saved pipeline holds them. No spaCy model."""
from __future__ import annotations

from pathlib import Path

import pytest

from quotes.lexicon import CUE_ROLES, LEXICON_FILES, Lexicon, first_name_gender

# A cue list as a user writes one: comments, blank lines, a capitalised lemma, a third column.
CUSTOM_CUES = ("# my cues\tlemma\trole\n"
               "\n"
               "say\tspeech\n"
               "Holler\tspeech\tadded for the sports desk\n"
               "tell\ttell\n"
               "relay\tconduit\n")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- the bundled lexicon ------------------------------------------------------------------------


def test_the_bundled_lexicon_knows_its_cues_and_their_roles():
    lex = Lexicon.load()
    assert [lex.cue_role(w) for w in ("say", "SAY", "tell", "believe", "according", "eat")] == [
        "speech", "speech", "tell", "belief", "phrase", None]
    assert set(lex.cues.values()) <= CUE_ROLES
    assert all(lemma == lemma.lower().strip() for lemma in lex.cues)


def test_the_bundled_lexicon_has_every_word_list():
    lex = Lexicon.load()
    assert "mayor" in lex.titles and "dr." in lex.titles
    assert lex.nominals["agency"] == "ORG"
    assert lex.is_outlet("Reuters") and lex.is_outlet("the Associated Press") and lex.is_outlet("THE BBC")
    assert not lex.is_outlet("Ministry of Health")
    for words in (lex.clause_cues, lex.noun_cues, lex.issuing_verbs, lex.document_nouns, lex.name_particles,
                  lex.credit_words, lex.section_labels):
        assert words and not any(w.startswith("#") or not w.strip() for w in words)
    assert "claim" in lex.noun_cues and "de" in lex.name_particles


def test_load_is_read_once():
    assert Lexicon.load() is Lexicon.load()


def test_a_lexicon_cannot_be_changed_in_place():
    with pytest.raises(AttributeError):
        Lexicon.load().cues = {}  # type: ignore[misc]


# --- a custom cue file --------------------------------------------------------------------------


def test_a_custom_cue_file_replaces_the_cue_list_and_nothing_else(tmp_path):
    lex = Lexicon.load(cues=write(tmp_path / "cues.tsv", CUSTOM_CUES))
    assert lex.cues == {"say": "speech", "holler": "speech", "tell": "tell", "relay": "conduit"}
    assert lex.cue_role("HOLLER") == "speech"
    assert lex.cue_role("announce") is None  # bundled, but not in this list
    bundled = Lexicon.load()
    assert (lex.titles, lex.nominals, lex.outlets) == (bundled.titles, bundled.nominals, bundled.outlets)


def test_a_custom_cue_file_given_as_a_string(tmp_path):
    path = write(tmp_path / "cues.tsv", CUSTOM_CUES)
    assert Lexicon.load(cues=str(path)).cues == Lexicon.load(cues=path).cues


def test_an_unknown_role_is_an_error_naming_the_file_the_role_and_the_lemma(tmp_path):
    path = write(tmp_path / "bad_cues.tsv", "say\tspeech\nmumble\tmurmur\n")
    with pytest.raises(ValueError) as raised:
        Lexicon.load(cues=path)
    message = str(raised.value)
    assert str(path) in message and "'murmur'" in message and "'mumble'" in message


def test_a_missing_cue_file_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        Lexicon.load(cues=tmp_path / "no_such_cues.tsv")


def test_a_cue_line_without_a_tab_is_an_error_naming_the_file_and_the_line(tmp_path):
    path = write(tmp_path / "spaces.tsv", "say\tspeech\nmumble speech\n")  # spaces typed for the tab
    with pytest.raises(ValueError) as raised:
        Lexicon.load(cues=path)
    assert str(path) in str(raised.value) and "'mumble speech'" in str(raised.value)


def test_a_cue_file_edited_after_loading_is_read_again(tmp_path):
    path = write(tmp_path / "cues.tsv", "say\tspeech\n")
    assert Lexicon.load(cues=path).cues == {"say": "speech"}
    write(path, "say\tspeech\nholler\tspeech\n")
    assert Lexicon.load(cues=path).cues == {"say": "speech", "holler": "speech"}


# --- files, bytes and folders ------------------------------------------------------------------


def test_to_files_gives_every_file_sorted_one_entry_a_line():
    files = Lexicon.load().to_files()
    assert tuple(files) == LEXICON_FILES
    for name, text in files.items():
        lines = text.splitlines()
        assert text.endswith("\n") and lines == sorted(lines) and all(lines), name
    assert "say\tspeech" in files["cues.tsv"].splitlines()
    assert "agency\tORG" in files["nominals.tsv"].splitlines()


@pytest.mark.parametrize("custom", [False, True], ids=["bundled", "custom-cues"])
def test_from_files_of_to_files_is_the_same_lexicon(tmp_path, custom):
    lex = Lexicon.load(cues=write(tmp_path / "cues.tsv", CUSTOM_CUES)) if custom else Lexicon.load()
    again = Lexicon.from_files(lex.to_files())
    assert again == lex
    assert again.to_files() == lex.to_files()


@pytest.mark.parametrize("custom", [False, True], ids=["bundled", "custom-cues"])
def test_to_disk_then_load_from_the_folder_is_the_same_lexicon(tmp_path, custom):
    lex = Lexicon.load(cues=write(tmp_path / "cues.tsv", CUSTOM_CUES)) if custom else Lexicon.load()
    folder = tmp_path / "saved" / "quotes"  # parents are created
    lex.to_disk(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(LEXICON_FILES)
    assert Lexicon.load(folder=folder) == lex
    assert Lexicon.load(folder=str(folder)) == lex


def test_a_saved_folder_can_be_edited_by_hand(tmp_path):
    folder = tmp_path / "lexicon"
    Lexicon.load().to_disk(folder)
    with (folder / "cues.tsv").open("a", encoding="utf-8") as f:
        f.write("# my additions\nholler\tspeech\n")
    lex = Lexicon.load(folder=folder)
    assert lex.cue_role("holler") == "speech" and lex.cue_role("say") == "speech"


def test_from_files_checks_roles_too():
    files = Lexicon.load().to_files()
    files["cues.tsv"] += "mumble\tmurmur\n"
    with pytest.raises(ValueError, match="unknown role 'murmur' for 'mumble'"):
        Lexicon.from_files(files)


# --- first names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name, gender", [
    ("Anna", "female"), ("anna", "female"), ("ANNA", "female"),
    ("Piotr", "male"), ("José", "male"), ("Jose", "male"),
    ("Zoë", "female"), ("Inés", "female"),  # accents folded
    ("Jean", None),  # no clear gender
    ("Xqzvt", None), ("", None),  # unknown
])
def test_first_name_gender(name, gender):
    assert first_name_gender(name) == gender


def test_a_folder_saved_before_a_word_list_existed_takes_it_from_the_bundled_lexicon(tmp_path):
    # a pipeline saved by an earlier release has no document_nouns.txt: it still loads
    Lexicon.load().to_disk(tmp_path)
    (tmp_path / "document_nouns.txt").unlink()
    assert Lexicon.load(folder=tmp_path).document_nouns == Lexicon.load().document_nouns
