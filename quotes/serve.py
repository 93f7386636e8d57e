"""Publish a quotes database with Datasette, read-only, with this package's metadata and pages.

``make_datasette(path)`` builds the ``Datasette`` instance (used by ``serve`` and by in-process
tests); ``serve(path)`` runs it on loopback; ``quotes serve`` (quotes/cli.py) is its command. The
metadata lives in ``datasette-metadata.json`` at the repository root, shipped inside the package
as ``quotes/templates/datasette-metadata.json`` (a symlink to it), and names its database
``quotes``: that entry is renamed to whatever the served file is called, so its descriptions and
canned queries always apply.

The pages (quote card, highlighted paragraphs, CSS and JS) come from ``quotes.datasette_plugin``,
which Datasette loads through the package's ``datasette`` entry point, as it does for
``datasette quotes.db --metadata datasette-metadata.json``: both give the same pages.
"""
from __future__ import annotations

import copy
import json
import sqlite3
from importlib import resources
from pathlib import Path
from typing import Any

from datasette.app import Datasette

METADATA_RESOURCE = "templates/datasette-metadata.json"


def load_metadata() -> dict[str, Any]:
    """The package's Datasette metadata (databases keyed by the template name ``quotes``)."""
    return json.loads(resources.files("quotes").joinpath(METADATA_RESOURCE).read_text("utf-8"))


def metadata_for(db_path: str | Path, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """The metadata with its single database entry renamed to ``db_path``'s Datasette name."""
    metadata = copy.deepcopy(metadata if metadata is not None else load_metadata())
    databases = metadata.get("databases") or {}
    if databases:
        (template,) = databases.values()
        metadata["databases"] = {database_name(db_path): template}
    return metadata


def database_name(db_path: str | Path) -> str:
    """The name Datasette gives a database file: its stem (``data/quotes-2024.db`` -> ``quotes-2024``)."""
    return Path(db_path).stem


def checkpoint(db_path: str | Path) -> None:
    """Fold a WAL file left by a writer into the database file.

    Datasette opens immutable files with ``immutable=1``, which reads the main file only: rows
    still in ``-wal`` would be invisible. Failing (no write permission) is left to the reader.
    """
    wal = Path(f"{db_path}-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(str(db_path), timeout=5)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error:
        pass


def register_plugin() -> None:
    """Make sure Datasette's plugin manager has quotes.datasette_plugin, exactly once.

    Importing ``datasette.plugins`` loads it through the ``datasette`` entry point when the
    package is installed. Only when it is not (the package imported from a checkout that was
    never installed, or entry points switched off, as Datasette does when
    ``sys._called_from_test`` is set) is it registered here, under the same name.
    """
    from datasette.plugins import pm

    from . import datasette_plugin

    if not pm.is_registered(datasette_plugin) and pm.get_plugin("quotes") is None:
        pm.register(datasette_plugin, name="quotes")


def make_datasette(
    db_path: str | Path,
    *,
    live: bool = False,
    metadata: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
) -> Datasette:
    """A Datasette serving ``db_path`` read-only with the package's metadata and plugin.

    By default the file is opened immutable (``datasette -i``): fastest, and right for a finished
    database. ``live=True`` opens it read-only but not immutable, for browsing while
    ``quotes extract`` is still writing (WAL lets both proceed).
    """
    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"no such database: {path}")
    register_plugin()
    if not live:
        checkpoint(path)
    files = {"files": [str(path)]} if live else {"immutables": [str(path)]}
    return Datasette(
        **files,
        metadata=metadata_for(path, metadata),
        settings=settings,
    )


def serve(
    db_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8001,
    *,
    live: bool = False,
    log_level: str = "info",
) -> None:
    """Serve ``db_path`` with Datasette until interrupted (loopback only unless ``host`` says otherwise)."""
    import uvicorn

    # Datasette's app runs its startup hooks on the first request, inside uvicorn's loop.
    datasette = make_datasette(db_path, live=live)
    uvicorn.run(datasette.app(), host=host, port=port, log_level=log_level, lifespan="on", workers=1)

