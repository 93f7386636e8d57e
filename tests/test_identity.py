"""Speaker identity across articles (quotes.store.name_forms, .descriptions and .identity, and the
store that applies it).

The rules are tested on names written for these tests; the store is tested on small articles
built by hand (no spaCy), so that every promise of the store (any order, any batching, shards,
re-runs, replaced documents) is checked with identity at work: name variants merged, a lone
surname that becomes ambiguous, mentions that are no entity, aliases given by the user.
"""
from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

import pytest

from quotes.records import Article, Document, Entity, Link, Quote
from quotes.store import Store, merge
from quotes.store.descriptions import description
from quotes.store.identity import Aliases, NameRow, identify
from quotes.store.name_forms import PersonName, analyze, same_person

# --- the rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name, type_", [
    ("I", None), ("she", "PERSON"), ("They", "PERSON"), ("officials", "PERSON"), ("Officials", "PERSON"),
    ("People", "PERSON"), ("A spokeswoman", "PERSON"), ("a New Hampshire Republican", None),
    ("Administration officials", "PERSON"), ("Senator", "PERSON"), ("Harbor Tower", "PERSON"),
    ("Whitcombe's right-hand woman", "PERSON"), ("Councilman Okafor's office", None), ("10", None),
    ("Cummings and Conyers", None), ("Disputes Characterization Of Network", "ORG"), ("Team Whitcombe", "PERSON"),
])
def test_names_of_no_entity_are_mentions(name, type_):
    assert analyze(name, type_).is_mention


@pytest.mark.parametrize("name, type_, clean", [
    ("Whitcombe Says", "PERSON", "Whitcombe"), ("Whitcombe Says He Never", "PERSON", "Whitcombe"),
    ("Whitcombe Speech", "PERSON", "Whitcombe"), ("Said Okafor", "PERSON", "Okafor"),
    ("paranoia,”Whitcombe", None, "Whitcombe"), ("6, 2016 9:12PMWhitcombe", None, "Whitcombe"),
    ("Councilwoman Maria Lindqvist", "PERSON", "Maria Lindqvist"), ("Billionaire Harold Whitcombe", "PERSON", "Harold Whitcombe"),
    ("Mr. Okafor", None, "Okafor"), ("WHITCOMBE FOCUSED", "PERSON", "Whitcombe"), ("Jeb!", "PERSON", "Jeb"),
])
def test_names_with_noise_around_them_are_salvaged(name, type_, clean):
    assert analyze(name, type_).clean == clean


def test_the_type_a_name_says_wins_over_the_type_ner_gave():
    assert analyze("Sean Whitcombe", "ORG").type == "PERSON"  # a first name: a person
    assert analyze("Whitcombe University", "PERSON").type == "ORG"
    assert analyze("Twitter", "PERSON").type == "ORG"


def test_people_of_one_surname_are_told_apart():
    p = PersonName.parse
    assert same_person(p("Harold J. Whitcombe"), p("Harold Whitcombe"))
    assert same_person(p("Hal Whitcombe"), p("Harold Whitcombe")) is same_person(p("Harold Whitcombe"), p("Hal Whitcombe"))
    assert same_person(p("Maria Rodham Lindqvist"), p("Maria Lindqvist"))
    assert same_person(p("Robert P. Okafor Jr."), p("Bob Okafor"))
    assert not same_person(p("Peter Okafor"), p("Peter Okafor Jr."))
    assert not same_person(p("George W. Okafor"), p("George H.W. Okafor"))
    assert not same_person(p("Anna Okafor"), p("Peter Okafor"))


def rows(*names: tuple[str, str | None, int]) -> list[NameRow]:
    return [NameRow(f"n{i}", name, type_, documents) for i, (name, type_, documents) in enumerate(names)]


def names_of(found) -> dict[str, tuple[str, str] | None]:
    return {k: (v.name, v.type) if v else None for k, v in found.items()}


def test_variants_of_a_name_are_one_speaker_named_by_its_most_used_full_form():
    found = names_of(identify(rows(("Harold Whitcombe", "PERSON", 5), ("Harold J. Whitcombe", "PERSON", 2),
                                   ("Whitcombe", "ORG", 3), ("Mayor Whitcombe Says", "PERSON", 1))))
    assert set(found.values()) == {("Harold Whitcombe", "PERSON")}


def test_a_lone_surname_is_the_one_person_it_can_be_or_stays_alone():
    one = names_of(identify(rows(("Peter Okafor", "PERSON", 4), ("Okafor", "PERSON", 2))))
    assert one["n1"] == ("Peter Okafor", "PERSON")
    # a second Okafor as often named: the lone surname could be either
    two = names_of(identify(rows(("Peter Okafor", "PERSON", 4), ("Okafor", "PERSON", 2), ("Anna Okafor", "PERSON", 3))))
    assert two["n1"] == ("Okafor", "PERSON") and two["n2"] == ("Anna Okafor", "PERSON")
    # ... unless one of them is named far more often
    dominant = names_of(identify(rows(("Peter Okafor", "PERSON", 10), ("Okafor", "PERSON", 2), ("Anna Okafor", "PERSON", 1))))
    assert dominant["n1"] == ("Peter Okafor", "PERSON")
    # a suffix is a person of its own: "Okafor Jr." is not Peter
    junior = names_of(identify(rows(("Peter Okafor", "PERSON", 10), ("Okafor Jr.", "PERSON", 1))))
    assert junior["n1"] == ("Okafor Jr.", "PERSON")


def test_organisations_by_acronym_short_form_and_synonym():
    found = names_of(identify(rows(
        ("Federal Harbor Authority", "ORG", 2), ("FHA", "ORG", 3), ("F.H.A.", "GPE", 1),
        ("The Lakeside Herald", "ORG", 5), ("Herald", "ORG", 2), ("GOP", "ORG", 4), ("Grand Old Party", "ORG", 1))))
    assert found["n0"] == found["n1"] == found["n2"]
    assert found["n3"] == found["n4"] == ("The Lakeside Herald", "ORG")
    assert found["n5"] == found["n6"] == ("GOP", "ORG")


def test_identity_is_the_same_in_any_order():
    names = rows(("Harold Whitcombe", "PERSON", 5), ("Whitcombe", "ORG", 3), ("Anna Whitcombe", "PERSON", 1),
                 ("Harold J. Whitcombe", "PERSON", 2), ("Hal Whitcombe", "PERSON", 1), ("FHA", "ORG", 1))
    first = identify(names)
    for order in itertools.islice(itertools.permutations(names), 0, None, 37):
        assert identify(order) == first


@pytest.mark.parametrize("text, kept", [
    ("Republican presidential nominee", True), ("U.N. envoy for Syria", True), ("Wisconsin Gov.", True),
    ("a spokesman for the council", True), ("psychologist", True), ("Mr.", False), ("Sen.", False),
    ("support", False), ("this guy", False), ("his wife", False), ("R-Wis.", False), ("67", False),
    ("Harold Whitcombe", False), ("Lose Court Battle Over Ohio", False), ("“Off Message” podcast", False),
    ("The relative doldrums", False), ("writing on Breitbart", False),
])
def test_descriptions_worth_showing(text, kept):
    assert (description(text) is not None) is kept


def test_aliases_file(tmp_path):
    path = tmp_path / "aliases.tsv"
    path.write_text("# name<TAB>canonical<TAB>type\nHal W.\tHarold Whitcombe\nTwitter\t-\nHerald\tLakeside Herald\tORG\n",
                    encoding="utf-8")
    aliases = Aliases.read(path)
    assert aliases.target("hal w.") == ("Harold Whitcombe", None)
    assert aliases.analyze("Twitter", "ORG").is_mention
    path.write_text("no tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="aliases.tsv:1"):
        Aliases.read(path)


# --- the store -----------------------------------------------------------------------------------


def article(doc_id: str, *speakers: tuple, addressee: tuple | None = None) -> Article:
    """An article whose n-th quote is said by the n-th speaker ``(name, type[, descriptions])``."""
    lines, quotes, entities = [f"Report {doc_id}"], [], {}
    for i, (name, type_, *rest) in enumerate(speakers):
        words = f"“Words {i} of {doc_id},” {name} said."
        start = sum(len(line) + 1 for line in lines) + 1
        lines.append(words)
        key = entities.setdefault((name, type_), Entity(name, type_, list(rest[0]) if rest else [], f"e{len(entities)}")).key
        quote = Quote(start=start, end=start + len(f"Words {i} of {doc_id},"), text="", kind="direct", cue="said",
                      speaker=name, speaker_mention=name, speaker_type=type_, speaker_key=key,
                      chain=[Link(name, type_, "speaker", "said", key)])
        if addressee and i == 0:
            akey = entities.setdefault(addressee, Entity(addressee[0], addressee[1], [], f"e{len(entities)}")).key
            quote.addressee, quote.addressee_type, quote.addressee_key = addressee[0], addressee[1], akey
        quotes.append(quote)
    text = "\n".join(lines)
    for quote in quotes:
        quote.text = text[quote.start:quote.end]
    return Article(Document(text, id=doc_id), quotes, list(entities.values()))


CORPUS = [
    article("a", ("Harold Whitcombe", "PERSON", ["Mayor", "Mr."]), ("Officials", "PERSON"), addressee=("Lakeside Herald", "ORG")),
    article("b", ("Harold J. Whitcombe", "PERSON", ["the mayor of Lakeside"]), ("Peter Okafor", "PERSON")),
    article("c", ("Whitcombe", "ORG"), ("Herald", "ORG"), ("officials", "PERSON")),
    article("d", ("Whitcombe Says", "PERSON"), ("Okafor", "PERSON", ["support", "Councilman"])),
    article("e", ("Harold Whitcombe", "PERSON"), ("Lakeside Herald", "ORG"), ("she", None)),
    article("f", ("Anna Okafor", "PERSON", ["library director"]), ("FHA", "ORG")),
    article("g", ("Federal Harbor Authority", "ORG"), ("Harold Whitcombe", "PERSON")),
]


def store_all(path: Path, articles: list[Article], batch_size: int = 64, **kwargs) -> None:
    with Store(path, **kwargs) as store:
        for _ in store.add_many(articles, batch_size=batch_size):
            pass


def speakers(path: Path) -> dict[str, tuple]:
    conn = sqlite3.connect(path)
    try:
        return {name: (type_, quotes, documents, json.loads(descriptions)) for name, type_, quotes, documents, descriptions
                in conn.execute("SELECT name, type, quote_count, document_count, descriptions FROM speakers WHERE type IS NOT NULL")}
    finally:
        conn.close()


def aliases_of(path: Path, name: str) -> set[tuple]:
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute("SELECT a.alias, a.type, a.document_count FROM speaker_aliases a JOIN speakers s "
                                "ON s.id = a.speaker_id WHERE s.name = ?", (name,)))
    finally:
        conn.close()


def consistent(path: Path) -> bool:
    """Counts, descriptions, aliases and names are what a recount of the rows gives; every row
    names a speaker that exists; the full-text indexes are sound."""
    from conftest import fts_is_consistent
    from test_store import counts_match_rows

    conn = sqlite3.connect(path)
    try:
        names = conn.execute("SELECT count(*) FROM extracted_names n WHERE document_count = 0 OR document_count != "
                             "(SELECT count(*) FROM document_names WHERE name_id = n.id)").fetchone()[0]
        missing = conn.execute("SELECT count(*) FROM speakers s WHERE NOT EXISTS "
                               "(SELECT 1 FROM speaker_aliases a WHERE a.speaker_id = s.id)").fetchone()[0]
        keys = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    return names == 0 and missing == 0 and keys == [] and counts_match_rows(path) and fts_is_consistent(path)


def test_name_variants_are_one_speaker_with_their_aliases(tmp_path):
    db = tmp_path / "quotes.db"
    store_all(db, CORPUS)
    found = speakers(db)
    assert found["Harold Whitcombe"][:3] == ("PERSON", 6, 6)
    assert {"Harold J. Whitcombe", "Whitcombe", "Whitcombe Says", "Officials", "she"}.isdisjoint(found)
    assert aliases_of(db, "Harold Whitcombe") == {
        ("Harold Whitcombe", "PERSON", 3), ("Harold J. Whitcombe", "PERSON", 1), ("Whitcombe", "ORG", 1),
        ("Whitcombe Says", "PERSON", 1)}
    # descriptions worth showing, by how many articles give them ("Mr." is none)
    assert found["Harold Whitcombe"][3] == ["Mayor", "the mayor of Lakeside"]
    assert found["Lakeside Herald"][:3] == ("ORG", 2, 3)  # said one quote, was told another
    assert found["Federal Harbor Authority"][1] == 2  # "FHA" is it
    # two Okafors: the lone "Okafor" stays apart, and "support" is no description
    assert {"Peter Okafor", "Anna Okafor", "Okafor"} <= set(found)
    assert found["Okafor"][3] == ["Councilman"]
    # "Officials" and "she" are their own article's untyped speakers
    conn = sqlite3.connect(db)
    untyped = conn.execute("SELECT name, document_count FROM speakers WHERE type IS NULL ORDER BY name").fetchall()
    raw = conn.execute("SELECT count(*) FROM quotes WHERE speaker_name_id IS NOT NULL").fetchone()[0]
    conn.close()
    assert untyped == [("Officials", 1), ("officials", 1), ("she", 1)]
    assert raw == 7  # quotes whose speaker has another name than the one they were extracted with
    assert consistent(db)


def test_a_second_person_of_a_surname_re_identifies_stored_quotes_and_back(tmp_path, db_contents):
    db = tmp_path / "quotes.db"
    lone = article("lone", ("Okafor", "PERSON"))
    peter = [article(f"peter-{i}", ("Peter Okafor", "PERSON")) for i in range(3)]
    anna = [article(f"anna-{i}", ("Anna Okafor", "PERSON")) for i in range(2)]
    store_all(db, [lone, *peter])
    assert speakers(db)["Peter Okafor"][1] == 4  # the lone surname is Peter's
    store_all(db, anna)
    found = speakers(db)
    assert found["Peter Okafor"][1] == 3 and found["Okafor"][1] == 1 and found["Anna Okafor"][1] == 2
    assert consistent(db)
    # Anna's articles rewritten without her: the lone surname is Peter's again
    store_all(db, [article(a.id, ("Peter Okafor", "PERSON")) for a in anna])
    assert speakers(db)["Peter Okafor"][1] == 6 and "Okafor" not in speakers(db)
    fresh = tmp_path / "fresh.db"
    store_all(fresh, [lone, *peter, *[article(a.id, ("Peter Okafor", "PERSON")) for a in anna]])
    assert db_contents(db) == db_contents(fresh)
    assert consistent(db)


@pytest.mark.parametrize("seed", range(4))
def test_any_order_and_batching_gives_the_same_database(tmp_path, db_contents, seed):
    import random

    reference = tmp_path / "reference.db"
    store_all(reference, CORPUS)
    shuffled = CORPUS[:]
    random.Random(seed).shuffle(shuffled)
    other = tmp_path / "other.db"
    store_all(other, shuffled, batch_size=seed + 1)
    assert db_contents(other) == db_contents(reference)
    store_all(other, shuffled[::-1], batch_size=3)  # a re-run changes nothing
    assert db_contents(other) == db_contents(reference)
    assert consistent(other)


def test_shards_merge_to_a_single_run(tmp_path, db_contents):
    single = tmp_path / "single.db"
    store_all(single, CORPUS)
    shards = [tmp_path / f"shard-{i}.db" for i in range(3)]
    for i, shard in enumerate(shards):
        store_all(shard, CORPUS[i::3])
    merged = tmp_path / "merged.db"
    assert merge(shards, merged) == {"added": len(CORPUS)}
    assert db_contents(merged) == db_contents(single)
    assert consistent(merged)


def test_aliases_correct_identity_and_stay_with_the_database(tmp_path, db_contents):
    db = tmp_path / "quotes.db"
    store_all(db, CORPUS)
    aliases = [("Okafor", "Peter Okafor", None), ("FHA", "-", None), ("Whitcombe Says", "Harold J. Whitcombe", "PERSON")]
    with Store(db, aliases=aliases):
        pass
    found = speakers(db)
    assert found["Peter Okafor"][1] == 2 and "Okafor" not in found
    assert found["Federal Harbor Authority"][1] == 1 and "FHA" not in found  # "FHA" is no entity now
    # the speaker holding the canonical name is named by it
    assert found["Harold J. Whitcombe"] == ("PERSON", 6, 6, ["Mayor", "the mayor of Lakeside"])
    assert consistent(db)
    with_aliases = db_contents(db)
    store_all(db, CORPUS)  # opened without aliases: the database keeps its own
    assert db_contents(db) == with_aliases
    fresh = tmp_path / "fresh.db"
    store_all(fresh, CORPUS[::-1], batch_size=2, aliases=aliases)
    assert db_contents(fresh) == with_aliases
    with Store(db, aliases=[]):  # no aliases: the rules alone
        pass
    plain = tmp_path / "plain.db"
    store_all(plain, CORPUS)
    assert db_contents(db) == db_contents(plain)


def test_extract_to_passes_aliases_to_the_store(tmp_path):
    from quotes.run import extract_to

    class Stub:
        def pipe(self, documents, **kwargs):
            for document in documents:
                yield next(a for a in CORPUS if a.id == document.id)

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": a.id, "text": a.text}) + "\n" for a in CORPUS), encoding="utf-8")
    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("Okafor\tPeter Okafor\n", encoding="utf-8")
    db = tmp_path / "quotes.db"
    extract_to([feed], db=db, extractor=Stub(), aliases=aliases)
    assert speakers(db)["Peter Okafor"][1] == 2


def test_a_bad_aliases_file_is_one_line_naming_it(tmp_path):
    from click.testing import CliRunner

    from quotes.cli import cli

    bad = tmp_path / "aliases.tsv"
    bad.write_text("Okafor Peter Okafor\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", "x.txt", "--db", str(tmp_path / "q.db"), "--aliases", str(bad)])
    assert result.exit_code == 2 and "aliases.tsv:1" in result.output
