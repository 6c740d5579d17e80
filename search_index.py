"""Name-search indexes the ORM metadata does not describe, for a million people.

SQLite: an FTS5 table per person table (trigram tokenizer: any substring of three or more
characters, Thai included, is found through the index), kept in step by triggers.
PostgreSQL: the pg_trgm extension and GIN trigram indexes on the same columns.

`install(connection)` creates them (db.create_all calls it through an after_create event on
each person table; the migration calls it too), `uninstall(connection)` removes them and
`rebuild(connection)` refills an FTS table from its rows (after a bulk load or a restore).
Alembic's autogenerate must not see these objects: `include_object` filters them out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text

# Person table -> the columns its search reads: names (and e-mail), then the ID column.
# The ID column is indexed for staff who may search part of an ID (admin/search.py decides).
SEARCHED: dict[str, tuple[tuple[str, ...], str]] = {
    "teacher": (("first_name", "last_name", "email"), "national_id"),
    "student": (("first_name", "last_name"), "id_value"),
}


def fts_table(table: str) -> str:
    """The FTS5 table that indexes a person table on SQLite."""
    return f"{table}_search"


def name_expression(table: str, qualified: bool = False) -> str:
    """The text PostgreSQL's trigram index holds: a space, then each name column spaced.

    The leading space lets "a word starting with" be written as LIKE '% term%'. A query
    names the columns with their table (qualified); PostgreSQL still matches the index.
    """
    names, _id_column = SEARCHED[table]
    prefix = f"{table}." if qualified else ""
    parts = " || ' ' || ".join(f"coalesce({prefix}{name}, '')" for name in names)
    return f"(' ' || {parts})"


def trigram_index(table: str) -> str:
    return f"ix_{table}_name_trgm"


def id_trigram_index(table: str) -> str:
    return f"ix_{table}_id_trgm"


def _names(table: str) -> list[str]:
    names, id_column = SEARCHED[table]
    return [*names, id_column]


def _sqlite_statements(table: str) -> list[str]:
    fts = fts_table(table)
    columns = _names(table)
    listed = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    # The SQL names only this module's own tables and columns (SEARCHED), never input.
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({listed}, "
        f"content='{table}', content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "  # noqa: S608
        f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "  # noqa: S608
        f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {listed} ON {table} BEGIN "  # noqa: S608
        f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END",
    ]


def _postgresql_statements(table: str) -> list[str]:
    _names_, id_column = SEARCHED[table]
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"CREATE INDEX IF NOT EXISTS {trigram_index(table)} ON {table} "
        f"USING gin ({name_expression(table)} gin_trgm_ops)",
        f"CREATE INDEX IF NOT EXISTS {id_trigram_index(table)} ON {table} "
        f"USING gin ({id_column} gin_trgm_ops)",
    ]


def install(connection: Any, tables: list[str] | None = None) -> None:
    """Create the search indexes of the person tables (all of them by default)."""
    dialect = connection.dialect.name
    for table in tables or list(SEARCHED):
        if dialect == "sqlite":
            statements = _sqlite_statements(table)
        elif dialect == "postgresql":
            statements = _postgresql_statements(table)
        else:  # pragma: no cover - other databases search without an index
            statements = []
        for statement in statements:
            connection.execute(text(statement))
        if dialect == "sqlite":
            # A table created with rows already in it (a restore) is indexed at once.
            rebuild(connection, [table])


def uninstall(connection: Any, tables: list[str] | None = None) -> None:
    """Drop the search indexes (the migration's downgrade; before a person table is dropped)."""
    dialect = connection.dialect.name
    for table in tables or list(SEARCHED):
        if dialect == "sqlite":
            fts = fts_table(table)
            for suffix in ("ai", "ad", "au"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {fts}_{suffix}"))
            connection.execute(text(f"DROP TABLE IF EXISTS {fts}"))
        elif dialect == "postgresql":
            connection.execute(text(f"DROP INDEX IF EXISTS {trigram_index(table)}"))
            connection.execute(text(f"DROP INDEX IF EXISTS {id_trigram_index(table)}"))


def rebuild(connection: Any, tables: list[str] | None = None) -> None:
    """Refill the search indexes from the rows (SQLite's FTS; PostgreSQL's indexes follow)."""
    dialect = connection.dialect.name
    for table in tables or list(SEARCHED):
        if dialect == "sqlite":
            fts = fts_table(table)
            connection.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')"))  # noqa: S608
        elif dialect == "postgresql":
            connection.execute(text(f"REINDEX INDEX {trigram_index(table)}"))
            connection.execute(text(f"REINDEX INDEX {id_trigram_index(table)}"))


# FTS5 keeps its index in shadow tables named after the FTS table.
_SHADOW_SUFFIXES = ("", "_data", "_idx", "_content", "_docsize", "_config")


def ignored_names() -> set[str]:
    """Every table and index name these indexes add, for Alembic to leave alone."""
    names: set[str] = set()
    for table in SEARCHED:
        names.update(fts_table(table) + suffix for suffix in _SHADOW_SUFFIXES)
        names.update((trigram_index(table), id_trigram_index(table)))
    return names


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any):
    """Alembic's include_object hook: skip the search tables and indexes."""
    return not (reflected and name in ignored_names())


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's include_name hook: do not even reflect the search tables and indexes."""
    return name not in ignored_names()


def listen(*tables: Any) -> None:
    """Install a person table's search index whenever create_all creates the table."""
    for table in tables:
        event.listen(table, "after_create", _after_create)
        event.listen(table, "before_drop", _before_drop)


def _after_create(table: Any, connection: Any, **kwargs: Any) -> None:
    install(connection, [table.name])


def _before_drop(table: Any, connection: Any, **kwargs: Any) -> None:
    uninstall(connection, [table.name])
