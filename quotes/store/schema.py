"""The database schema, as sqlite-utils migrations: tables, indexes, views and full-text search.

A database records how many migrations it has had in ``PRAGMA user_version``: 1 for the schema
quotes 0.1.0 released, 2 since the errors table gained the details of a failed document, 3 since
chain links carry the words that name them and quotes their audience, 4 since speakers are
identified across articles (extracted names, aliases), 5 since quotes carry how sure the
speaker is (``speaker_confidence``). Opening
a database (``Store(path)``) applies the migrations it lacks, in order and all in one
transaction, so a database of any earlier version is upgraded in place or, if anything fails,
left exactly as it was. Upgrading a 0.1.0 database touches no table but ``errors`` (one row per
failed input), so it takes the same moment however many articles the database holds. Opening a
current database only reads.

A migration writes the DDL text its release wrote (full-text search as sqlite-utils 3 wrote it
for 0.1.0), so a new database and an upgraded one have the same schema, down to the text in
``sqlite_master``: the table DDL below is frozen, and a change to the schema is a new migration
at the end. Views hold no data: a migration that changes one drops it and creates it again.
"""
from __future__ import annotations

from sqlite_utils import Database, Migrations

from .connection import write_transaction

SCHEMA_VERSION = 5

# The tables and indexes of quotes 0.1.0 (schema version 1). Frozen: change them in a migration.
TABLES_0_1_0 = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    title TEXT,
    url TEXT,
    publisher TEXT,
    published TEXT,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    quote_count INTEGER NOT NULL DEFAULT 0,
    added TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS speakers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT,
    descriptions TEXT NOT NULL DEFAULT '[]',
    quote_count INTEGER NOT NULL DEFAULT 0,
    addressed_count INTEGER NOT NULL DEFAULT 0,
    relayed_count INTEGER NOT NULL DEFAULT 0,
    document_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS document_speakers (
    document_id TEXT NOT NULL REFERENCES documents(id),
    speaker_id TEXT NOT NULL REFERENCES speakers(id),
    descriptions TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (document_id, speaker_id)
);
CREATE TABLE IF NOT EXISTS speaker_descriptions (
    speaker_id TEXT NOT NULL REFERENCES speakers(id),
    description TEXT NOT NULL,
    document_count INTEGER NOT NULL,
    PRIMARY KEY (speaker_id, description)
);
CREATE TABLE IF NOT EXISTS quotes (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    cue TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    speaker_id TEXT REFERENCES speakers(id),
    speaker_mention TEXT,
    speaker_start INTEGER,
    speaker_end INTEGER,
    addressee_id TEXT REFERENCES speakers(id),
    paragraph TEXT NOT NULL,
    paragraph_start INTEGER NOT NULL,
    paragraph_quote_start INTEGER NOT NULL,
    paragraph_quote_end INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS chain_links (
    quote_id TEXT NOT NULL REFERENCES quotes(id),
    position INTEGER NOT NULL,
    speaker_id TEXT NOT NULL REFERENCES speakers(id),
    role TEXT NOT NULL,
    cue TEXT,
    PRIMARY KEY (quote_id, position)
);
CREATE TABLE IF NOT EXISTS errors (
    origin TEXT NOT NULL,
    message TEXT NOT NULL,
    added TEXT NOT NULL,
    PRIMARY KEY (origin, message)
);
CREATE INDEX IF NOT EXISTS idx_quotes_document_id ON quotes(document_id);
CREATE INDEX IF NOT EXISTS idx_quotes_speaker_id ON quotes(speaker_id);
CREATE INDEX IF NOT EXISTS idx_quotes_addressee_id ON quotes(addressee_id);
CREATE INDEX IF NOT EXISTS idx_quotes_kind ON quotes(kind);
CREATE INDEX IF NOT EXISTS idx_quotes_cue ON quotes(cue);
CREATE INDEX IF NOT EXISTS idx_chain_links_speaker_id ON chain_links(speaker_id, role);
CREATE INDEX IF NOT EXISTS idx_document_speakers_speaker_id ON document_speakers(speaker_id);
CREATE INDEX IF NOT EXISTS idx_documents_publisher ON documents(publisher);
CREATE INDEX IF NOT EXISTS idx_documents_published ON documents(published);
CREATE INDEX IF NOT EXISTS idx_speakers_name ON speakers(name);
"""

# The errors table since schema version 2: a failed document's stage, exception type, traceback
# and id, beside the origin and message of 0.1.0.
ERRORS_TABLE_2 = """
CREATE TABLE errors (
    origin TEXT NOT NULL,
    message TEXT NOT NULL,
    added TEXT NOT NULL,
    stage TEXT,
    error_type TEXT,
    traceback TEXT,
    document_id TEXT,
    PRIMARY KEY (origin, message)
)"""

# Speaker identity (schema version 4): every name as extracted, the speaker it is identified as,
# the names each document uses, each speaker's aliases, and the store's settings.
IDENTITY_TABLES_4 = """
CREATE TABLE IF NOT EXISTS extracted_names (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT,
    key TEXT,
    speaker_id TEXT REFERENCES speakers(id),
    document_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS document_names (
    document_id TEXT NOT NULL REFERENCES documents(id),
    name_id TEXT NOT NULL REFERENCES extracted_names(id),
    descriptions TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (document_id, name_id)
);
CREATE TABLE IF NOT EXISTS speaker_aliases (
    speaker_id TEXT NOT NULL REFERENCES speakers(id),
    alias TEXT NOT NULL,
    type TEXT,
    document_count INTEGER NOT NULL,
    PRIMARY KEY (speaker_id, alias, type)
);
CREATE TABLE IF NOT EXISTS store_settings (
    key TEXT PRIMARY KEY,
    value TEXT
);
CREATE INDEX IF NOT EXISTS idx_extracted_names_key ON extracted_names(key);
CREATE INDEX IF NOT EXISTS idx_extracted_names_speaker_id ON extracted_names(speaker_id);
CREATE INDEX IF NOT EXISTS idx_document_names_name_id ON document_names(name_id);
"""

# Since schema version 4 the quotes' full-text index is kept in step only when a quote's text
# changes: re-identifying a speaker rewrites quotes.speaker_id, which the index does not hold.
QUOTES_UPDATE_TRIGGER_4 = (
    "CREATE TRIGGER [quotes_au] AFTER UPDATE OF [text] ON [quotes] BEGIN\n"
    "  INSERT INTO [quotes_fts] ([quotes_fts], rowid, [text]) VALUES('delete', old.rowid, old.[text]);\n"
    "  INSERT INTO [quotes_fts] (rowid, [text]) VALUES (new.rowid, new.[text]);\nEND"
)

# The views as they are now: made after the migrations whenever missing (a migration that changes
# one drops it).
VIEWS = {
    # One readable row per quote, in the order a reader asks: who, said, what, to whom, through
    # whom. ``rowid`` is the quote's rowid so that Datasette's search box can use quotes_fts on
    # this view too (metadata: fts_table quotes_fts, fts_pk rowid).
    "quote_view": """
CREATE VIEW quote_view AS
SELECT
    s.name AS speaker,
    q.cue AS cue,
    q.text AS quote,
    a.name AS addressee,
    (
        SELECT group_concat(name, ' → ') FROM (
            SELECT cs.name AS name FROM chain_links c JOIN speakers cs ON cs.id = c.speaker_id
            WHERE c.quote_id = q.id ORDER BY c.position
        )
    ) AS chain,
    q.audience AS audience,
    q.speaker_confidence AS speaker_confidence,
    q.kind AS kind,
    s.type AS speaker_type,
    q.speaker_mention AS speaker_mention,
    d.title AS title,
    d.publisher AS publisher,
    d.published AS published,
    d.url AS url,
    q.id AS quote_id,
    q.document_id AS document_id,
    q.start AS start,
    q."end" AS "end",
    q.speaker_id AS speaker_id,
    q.addressee_id AS addressee_id,
    q.rowid AS rowid
FROM quotes q
JOIN documents d ON d.id = q.document_id
LEFT JOIN speakers s ON s.id = q.speaker_id
LEFT JOIN speakers a ON a.id = q.addressee_id
ORDER BY d.published DESC, q.document_id, q.start
""",
}

# Full-text search (FTS5, Porter stemming) over these columns, kept in step by triggers.
FTS_COLUMNS = {"quotes": ("text",), "speakers": ("name", "descriptions")}


def fts_sql(table: str, columns: tuple[str, ...]) -> list[str]:
    """The FTS5 table and triggers for ``table``, in the text quotes 0.1.0 wrote (sqlite-utils 3's
    ``enable_fts(columns, create_triggers=True, tokenize="porter")``)."""
    cols = ", ".join(f"[{c}]" for c in columns)
    old = ", ".join(f"old.[{c}]" for c in columns)
    new = ", ".join(f"new.[{c}]" for c in columns)
    fts = f"[{table}_fts]"
    delete = f"INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES('delete', old.rowid, {old});"
    insert = f"INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING FTS5 (\n    {cols},\n    tokenize='porter',\n"
        f"    content=[{table}]\n)",
        f"CREATE TRIGGER [{table}_ai] AFTER INSERT ON [{table}] BEGIN\n  {insert}\nEND",
        f"CREATE TRIGGER [{table}_ad] AFTER DELETE ON [{table}] BEGIN\n  {delete}\nEND",
        f"CREATE TRIGGER [{table}_au] AFTER UPDATE ON [{table}] BEGIN\n  {delete}\n  {insert}\nEND",
    ]


class UserVersionMigrations(Migrations):
    """sqlite-utils migrations that keep their record in ``PRAGMA user_version``.

    Migration *n* (counting from 1) is applied when ``user_version >= n``: the number quotes
    databases have carried since 0.1.0. sqlite-utils' own record, a ``_sqlite_migrations``
    table, would add a table to every user's database and to Datasette's list of tables, with
    timestamps that differ from one run to the next.
    """

    def applied(self, db: Database) -> list[Migrations._AppliedMigration]:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        return [self._AppliedMigration(name=m.name, applied_at="") for m in self._migrations[:version]]

    def ensure_migrations_table(self, db: Database) -> None:
        """Nothing to create: the record is in the database header."""

    def _record_applied(self, db: Database, name: str) -> None:
        number = 1 + [m.name for m in self._migrations].index(name)
        db.execute(f"PRAGMA user_version = {number}")


MIGRATIONS = UserVersionMigrations("quotes")


@MIGRATIONS()
def schema_0_1_0(db: Database) -> None:
    """Schema version 1, as quotes 0.1.0 released it: tables, indexes, views, full-text search."""
    db.executescript(TABLES_0_1_0)
    for table in FTS_COLUMNS:
        if not db[table].detect_fts():
            create_fts(db, table)


@MIGRATIONS()
def errors_details(db: Database) -> None:
    """Schema version 2: ``errors`` gains ``stage, error_type, traceback, document_id``.

    The table is rebuilt rather than altered, so that its DDL reads as a new database's; it
    holds one row per failed input, and no other table is touched.
    """
    if set(db["errors"].columns_dict) >= {"stage", "error_type", "traceback", "document_id"}:
        return
    db.execute("ALTER TABLE errors RENAME TO _errors_0_1_0")
    db.execute(ERRORS_TABLE_2)
    db.execute(
        "INSERT INTO errors (rowid, origin, message, added) "
        "SELECT rowid, origin, message, added FROM _errors_0_1_0 ORDER BY rowid"
    )
    db.execute("DROP TABLE _errors_0_1_0")


@MIGRATIONS()
def chain_mentions_and_audience(db: Database) -> None:
    """Schema version 3: ``chain_links`` gains ``mention, mention_start, mention_end`` (the words
    of the article that name a link), ``quotes`` gains ``audience`` ("reporters", "the crowd").

    Columns are added in place (no table is copied, so it takes a moment whatever the size);
    ``quote_view`` is made again with the audience.
    """
    for table, column, sql_type in (("chain_links", "mention", "TEXT"), ("chain_links", "mention_start", "INTEGER"),
                                    ("chain_links", "mention_end", "INTEGER"), ("quotes", "audience", "TEXT")):
        if column not in db[table].columns_dict:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
    db.execute("DROP VIEW IF EXISTS quote_view")


@MIGRATIONS()
def speaker_identity(db: Database) -> None:
    """Schema version 4: corpus-level speaker identity (:mod:`.identity`).

    New tables ``extracted_names`` (every name as extracted, with the speaker it is identified
    as), ``document_names`` (the names each document uses, with the descriptions it gives them),
    ``speaker_aliases`` and ``store_settings``; ``quotes`` gains ``speaker_name_id`` and
    ``addressee_name_id``, ``chain_links`` gains ``name_id`` (the extracted name, when it is not
    the speaker's own id). A database of an earlier version held one speaker per extracted name,
    so its speakers become its extracted names and its ``document_speakers`` its document names:
    two copies of tables of one row per name and per name and document, and no quote is
    rewritten. The store identifies the speakers when it is next opened (:class:`.writer.Store`).
    """
    for statement in IDENTITY_TABLES_4.split(";"):
        if statement.strip():
            db.execute(statement)  # not executescript, which would commit the transaction first
    for table, column, sql_type in (("quotes", "speaker_name_id", "TEXT REFERENCES extracted_names(id)"),
                                    ("quotes", "addressee_name_id", "TEXT REFERENCES extracted_names(id)"),
                                    ("chain_links", "name_id", "TEXT REFERENCES extracted_names(id)")):
        if column not in db[table].columns_dict:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
    # Until identified, every name is its own speaker (an untyped one: its document's).
    db.execute(
        "INSERT OR IGNORE INTO extracted_names (id, name, type, key, speaker_id, document_count) "
        "SELECT id, name, type, NULL, CASE WHEN coalesce(type, '') = '' THEN NULL ELSE id END, document_count "
        "FROM speakers"
    )
    db.execute(
        "INSERT OR IGNORE INTO document_names (document_id, name_id, descriptions) "
        "SELECT document_id, speaker_id, descriptions FROM document_speakers"
    )
    _replace_quotes_update_trigger(db)


@MIGRATIONS()
def speaker_confidence(db: Database) -> None:
    """Schema version 5: ``quotes`` gains ``speaker_confidence`` (0–1, calibrated; NULL for the
    quotes stored before, which no one scored), added in place; ``quote_view`` shows it."""
    if "speaker_confidence" not in db["quotes"].columns_dict:
        db.execute("ALTER TABLE quotes ADD COLUMN speaker_confidence REAL")
    db.execute("DROP VIEW IF EXISTS quote_view")


def _replace_quotes_update_trigger(db: Database) -> None:
    if db["quotes"].detect_fts():
        db.execute("DROP TRIGGER IF EXISTS [quotes_au]")
        db.execute(QUOTES_UPDATE_TRIGGER_4)


def create_fts(db: Database, table: str) -> None:
    """Index ``table`` for full-text search, its present rows included (triggers left behind by
    a dropped index are replaced)."""
    columns = ", ".join(f"[{c}]" for c in FTS_COLUMNS[table])
    for suffix in ("ai", "ad", "au"):
        db.execute(f"DROP TRIGGER IF EXISTS [{table}_{suffix}]")
    for statement in fts_sql(table, FTS_COLUMNS[table]):
        db.execute(statement)
    db.execute(f"INSERT INTO [{table}_fts] (rowid, {columns}) SELECT rowid, {columns} FROM [{table}]")


def migrate(db: Database) -> None:
    """Bring the database to the current schema; a current one is only read.

    The pending migrations run in one ``BEGIN IMMEDIATE`` transaction (each nested in it as
    sqlite-utils' ``db.atomic()`` savepoint), so two processes opening a new file at once apply
    them once, and a failure leaves the file as it was. A view or search index found missing
    (dropped by hand) is made again.
    """
    if not MIGRATIONS.pending(db) and not _missing_derived(db):
        return
    with write_transaction(db):
        MIGRATIONS.apply(db)
        _restore_derived(db)


def _missing_derived(db: Database) -> bool:
    views = set(db.view_names())
    return not set(VIEWS) <= views or any(not db[table].detect_fts() for table in FTS_COLUMNS)


def _restore_derived(db: Database) -> None:
    views = set(db.view_names())
    for name, sql in VIEWS.items():
        if name not in views:
            db.execute(sql)
    for table in FTS_COLUMNS:
        if not db[table].detect_fts():
            create_fts(db, table)
            if table == "quotes" and db.execute("PRAGMA user_version").fetchone()[0] >= 4:
                _replace_quotes_update_trigger(db)
