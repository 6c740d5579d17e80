"""Fast reads and writes of many rows, straight through the database driver.

SQLAlchemy's executemany spends most of its time on per-row bookkeeping; for a roster of
100,000 teachers that is seconds. Here each column's bind and result processors (the
conversions SQLAlchemy itself would apply, such as dates to ISO text on SQLite) are taken
once from the dialect and applied to the values, and the driver runs one prepared
statement over all rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

CHUNK = 5000
# Scan the whole table when the keys asked for are at least 1/SCAN_SHARE of its rows.
SCAN_SHARE = 2


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

    def _execute(self, statement: Any, columns: dict[str, list[Any]]) -> None:
        """Run one prepared statement over rows given column by column (names as bound)."""
        compiled = statement.compile(dialect=self.dialect)
        names = list(columns)
        values = [
            convert_each(convert, columns[name]) if convert is not None else columns[name]
            for name, convert in zip(names, self.bind(names), strict=True)
        ]
        positional = compiled.positiontup
        if positional:
            order = [names.index(name) for name in positional]
            records: list[Any] = list(zip(*(values[index] for index in order), strict=True))
        else:
            records = [
                dict(zip(names, record, strict=True)) for record in zip(*values, strict=True)
            ]
        cursor = self.connection.connection.driver_connection.cursor()
        try:
            for start in range(0, len(records), CHUNK):
                cursor.executemany(compiled.string, records[start : start + CHUNK])
        finally:
            cursor.close()

    def insert(self, columns: dict[str, list[Any]]) -> None:
        """Insert rows given column by column: {name: [value of each row]}."""
        if not columns or not next(iter(columns.values())):
            return
        statement = insert(self.table).values({name: bindparam(name) for name in columns})
        self._execute(statement, columns)

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
            columns = {name: [row[name] for row in group] for name in names}
            columns[marker] = [row[key] for row in group]
            self._execute(statement, columns)

    def placeholder(self) -> str:
        return "?" if self.dialect.paramstyle == "qmark" else "%s"

    def fetch(
        self, columns: Sequence[str], key: str, keys: Iterable[Any]
    ) -> dict[Any, dict[str, Any]]:
        """Return {key value: {column: value}} for the rows whose key is among keys.

        When the keys are a large share of the table (a roster imported again), one scan of
        the table is several times quicker than looking each key up.
        """
        names = list(dict.fromkeys([key, *columns]))
        quote = self.dialect.identifier_preparer.quote
        select_list = ", ".join(quote(name) for name in names)
        sql = f"SELECT {select_list} FROM {quote(self.table.name)}"  # noqa: S608 - the model's names
        wanted = set(keys) - {None}
        if not wanted:
            return {}
        cursor = self.connection.connection.driver_connection.cursor()
        try:
            if len(wanted) * SCAN_SHARE >= self.count(cursor):
                cursor.execute(sql)
                records = [record for record in cursor.fetchall() if record[0] in wanted]
            else:
                records = []
                ordered = sorted(wanted)
                for start in range(0, len(ordered), CHUNK):
                    chunk = ordered[start : start + CHUNK]
                    marks = ", ".join([self.placeholder()] * len(chunk))
                    cursor.execute(f"{sql} WHERE {quote(key)} IN ({marks})", chunk)
                    records += cursor.fetchall()
        finally:
            cursor.close()
        columns_of = list(zip(*records, strict=True)) if records else [[] for _name in names]
        converted = [
            self.convert_results(name, values)
            for name, values in zip(names, columns_of, strict=True)
        ]
        return {
            record[0]: dict(zip(names, record, strict=True))
            for record in zip(*converted, strict=True)
        }

    def count(self, cursor: Any) -> int:
        table = self.dialect.identifier_preparer.quote(self.table.name)
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - the model's own name
        return cursor.fetchone()[0]

    def convert_results(self, name: str, values: Sequence[Any]) -> Sequence[Any]:
        """Apply the dialect's result conversion to one column, each distinct value once."""
        column = self.table.c[name]
        convert = column.type.dialect_impl(self.dialect).result_processor(self.dialect, None)
        return values if convert is None else convert_each(convert, list(values))


def convert_each(convert: Any, values: list[Any]) -> list[Any]:
    """Apply a conversion to each value; repeated values (dates, timestamps) are converted once."""
    memo: dict[Any, Any] = {}
    out = []
    for value in values:
        try:
            out.append(memo[value])
        except KeyError:
            out.append(memo.setdefault(value, convert(value)))
    return out
