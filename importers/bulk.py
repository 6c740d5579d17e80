"""Fast reads and writes of many rows, straight through the database driver.

SQLAlchemy's executemany spends most of its time on per-row bookkeeping; for a roster of
100,000 teachers that is seconds. Here each column's bind and result processors (the
conversions SQLAlchemy itself would apply, such as dates to ISO text on SQLite) are taken
once from the dialect and applied to the values, and the driver runs one prepared
statement over all rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

CHUNK = 5000


class BulkTable:
    """Insert, update and read many rows of one table through the session's connection."""

    def __init__(self, session: Session, table: Table) -> None:
        self.session = session
        self.table = table
        self.connection = session.connection()
        self.dialect = self.connection.dialect

    def bind(self, names: Sequence[str]) -> list[Any]:
        """The dialect's conversion of each value (names starting "_" stand for key columns)."""
        columns = [self.table.c[name.lstrip("_")] for name in names]
        return [
            column.type.dialect_impl(self.dialect).bind_processor(self.dialect)
            for column in columns
        ]

    def _execute(self, statement: Any, names: Sequence[str], rows: list[dict[str, Any]]) -> None:
        """Run one prepared statement over all rows (the row dicts are converted in place)."""
        compiled = statement.compile(dialect=self.dialect)
        for name, convert in zip(names, self.bind(names), strict=True):
            if convert is not None:
                # Dates repeat (birth dates, the import's own timestamp): convert each once.
                memo: dict[Any, Any] = {}
                for row in rows:
                    value = row[name]
                    try:
                        row[name] = memo[value]
                    except KeyError:
                        row[name] = memo[value] = convert(value)
        positional = compiled.positiontup
        cursor = self.connection.connection.driver_connection.cursor()
        try:
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                if positional:
                    params: list[Any] = list(map(itemgetter(*positional), chunk))
                    if len(positional) == 1:
                        params = [(value,) for value in params]
                else:
                    params = chunk
                cursor.executemany(compiled.string, params)
        finally:
            cursor.close()

    def insert(self, rows: list[dict[str, Any]]) -> None:
        """Insert rows that all have the same keys."""
        if not rows:
            return
        names = list(rows[0])
        statement = insert(self.table).values({name: bindparam(name) for name in names})
        self._execute(statement, names, rows)

    def update(self, rows: list[dict[str, Any]], key: str = "id") -> None:
        """Update rows by primary key; rows changing different columns go in separate groups."""
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            shapes.setdefault(tuple(sorted(row)), []).append(row)
        for shape, group in shapes.items():
            names = [name for name in shape if name != key]
            marker = f"_{key}"
            statement = (
                update(self.table)
                .where(self.table.c[key] == bindparam(marker))
                .values({name: bindparam(name) for name in names})
            )
            renamed = [{**row, marker: row[key]} for row in group]
            self._execute(statement, [*names, marker], renamed)

    def placeholder(self) -> str:
        return "?" if self.dialect.paramstyle == "qmark" else "%s"

    def fetch(
        self, columns: Sequence[str], key: str, keys: Iterable[Any]
    ) -> dict[Any, dict[str, Any]]:
        """Return {key value: {column: value}} for the rows whose key is among keys."""
        names = list(dict.fromkeys([key, *columns]))
        quote = self.dialect.identifier_preparer.quote
        processors = [
            self.table.c[name].type.dialect_impl(self.dialect).result_processor(self.dialect, None)
            for name in names
        ]
        select_list = ", ".join(quote(name) for name in names)
        found: dict[Any, dict[str, Any]] = {}
        keys = list(keys)
        cursor = self.connection.connection.driver_connection.cursor()
        try:
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start : start + CHUNK]
                marks = ", ".join([self.placeholder()] * len(chunk))
                sql = (
                    f"SELECT {select_list} FROM {quote(self.table.name)} "  # noqa: S608 - names are the model's own
                    f"WHERE {quote(key)} IN ({marks})"
                )
                cursor.execute(sql, chunk)
                for record in cursor.fetchall():
                    values = {
                        name: convert(value) if convert else value
                        for name, value, convert in zip(names, record, processors, strict=True)
                    }
                    found[values[key]] = values
        finally:
            cursor.close()
        return found
