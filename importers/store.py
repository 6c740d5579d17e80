"""Stage 8, write: many rows read and written straight through the database driver.

SQLAlchemy's executemany spends most of its time on per-row bookkeeping; for a roster of
100,000 teachers that is seconds. Here each column's bind and result processors (the
conversions SQLAlchemy itself would apply, such as dates to ISO text on SQLite) are taken
once from the dialect and applied to the values, and the driver runs one prepared
statement over all rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from json.encoder import encode_basestring
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Table, bindparam, insert, literal_column, update
from sqlalchemy.orm import Session

import audit
from importers.results import NEW, UPDATED, objects

CHUNK = 5000
# Values asked for in one IN (...): well below SQLite's limit on bound parameters.
KEYS_PER_QUERY = 900
# Rows inserted (and logged) at a time by insert_logged and update_logged.
WRITE_CHUNK = 20_000
# Text JSON must escape: a quote, a backslash, a control character.
LARGEST = 2**63 - 1
NEEDS_ESCAPE = r'["\\\x00-\x1f]'
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
            names = [name for name in shape if name != key and name != "version"]
            marker = f"_{key}"
            values: dict[str, Any] = {name: bindparam(name) for name in names}
            if "version" in self.table.c:
                # Every write raises the record's version (a form opened before is stale).
                values["version"] = self.table.c.version + literal_column("1")
            statement = (
                update(self.table).where(self.table.c[key] == bindparam(marker)).values(values)
            )
            columns = {name: [row[name] for row in group] for name in names}
            columns[marker] = [row[key] for row in group]
            self._execute(statement, columns)

    def placeholder(self) -> str:
        return "?" if self.dialect.paramstyle == "qmark" else "%s"

    def fetch(self, columns: Sequence[str], key: str, keys: Iterable[Any]) -> pd.DataFrame:
        """The stored rows whose key is among keys, as a frame of columns indexed by key.

        When the keys are a large share of the table (a roster imported again), one scan of
        the table is several times quicker than looking each key up.
        """
        names = list(dict.fromkeys([key, *columns]))
        quote = self.dialect.identifier_preparer.quote
        select_list = ", ".join(quote(name) for name in names)
        sql = f"SELECT {select_list} FROM {quote(self.table.name)}"  # noqa: S608 - the model's names
        wanted = set(keys) - {None}
        records: list[Any] = []
        cursor = self.connection.connection.driver_connection.cursor()
        try:
            if not wanted:
                pass
            elif len(wanted) * SCAN_SHARE >= self.count(cursor):
                cursor.execute(sql)
                records = [record for record in cursor if record[0] in wanted]
            else:
                ordered = sorted(wanted)
                for start in range(0, len(ordered), CHUNK):
                    chunk = ordered[start : start + CHUNK]
                    marks = ", ".join([self.placeholder()] * len(chunk))
                    cursor.execute(f"{sql} WHERE {quote(key)} IN ({marks})", chunk)
                    records += cursor.fetchall()
        finally:
            cursor.close()
        # One copy of the stored rows at a time: the records become the frame, then each
        # column is converted in place (a roster read again is the whole table).
        frame = pd.DataFrame.from_records(records, columns=names, coerce_float=False)
        del records
        for name in names:
            values = frame[name].to_numpy(dtype=object)
            frame[name] = pd.Series(
                objects(self.convert_results(name, values)), index=frame.index, dtype=object
            )
        return frame.set_index(key, drop=False)

    def ids_of(self, keys: tuple[str, ...], columns: dict[str, list[Any]]) -> list[Any]:
        """The ids of the rows whose key columns hold these values, in their order.

        A key of two columns is read by its first column and matched on both.
        """
        first = keys[0]
        stored = self.fetch(("id", *keys[1:]), first, columns[first])
        if len(keys) == 1:
            return stored["id"].reindex(columns[first]).tolist()
        index = {
            tuple(record[1:]): record[0]
            for record in zip(stored["id"], *(stored[name] for name in keys), strict=True)
        }
        return [index.get(key) for key in zip(*(columns[name] for name in keys), strict=True)]

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
    """Apply a conversion to each distinct value once (dates, timestamps, flags repeat)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    converted = np.empty(len(uniques) + 1, dtype=object)
    converted[:-1] = [convert(value) for value in uniques]
    converted[-1] = convert(None)
    return converted[codes].tolist()


def json_fragments(name: str, values: Sequence[Any]) -> pa.Array:
    """'"name":value' for each row (null where the value is None), as json.dumps writes it.

    A column of text, whole numbers, flags or dates is turned into JSON by Arrow kernels
    over the whole column; text holding a quote, a backslash or a control character, and
    columns of other or mixed types, are encoded value by value.
    """
    key = encode_basestring(name) + ":"
    kinds = set(map(type, values)) - {type(None)}
    if not kinds:
        return pa.nulls(len(values), pa.string())
    kind = kinds.pop() if len(kinds) == 1 else None
    if kind is str:
        array = pa.array(values, pa.string())
        if not pc.any(pc.match_substring_regex(array, NEEDS_ESCAPE)).as_py():
            return pc.binary_join_element_wise(key + '"', array, '"', "")
    elif kind is bool:
        return pc.binary_join_element_wise(key, pc.if_else(pa.array(values), "true", "false"), "")
    elif kind is int and all(-LARGEST <= value <= LARGEST for value in values if value is not None):
        return pc.binary_join_element_wise(key, pa.array(values, pa.int64()).cast(pa.string()), "")
    elif kind is dt.date:
        text = pa.array(values, pa.date32()).cast(pa.string())
        return pc.binary_join_element_wise(key + '"', text, '"', "")
    # Mixed or unusual values, one by one (a memo would take 0, False and 0.0 for one value).
    plain, encode = audit.plain, audit.encode_json
    return pa.array([None if v is None else key + encode(plain(v)) for v in values], pa.string())


def json_objects(columns: dict[str, Sequence[Any]]) -> list[str]:
    """One JSON object per row of the columns, leaving out the None values: the change log's
    {field: value} of created records, built a column at a time.

    Each present value becomes ',"field":value' and a missing one "", so plain
    concatenation joins them (join's null skipping drops rows whose inputs are all null in
    pyarrow 26); the leading comma is cut off.
    """
    pieces = [
        pc.fill_null(pc.binary_join_element_wise(",", json_fragments(name, values), ""), "")
        for name, values in columns.items()
    ]
    joined = pc.utf8_slice_codeunits(pc.binary_join_element_wise(*pieces, ""), 1)
    return pc.binary_join_element_wise("{", joined, "}", "").to_pylist()


def in_chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    """The distinct values (None left out), sorted, as many at a time as one IN (...) of a
    query may hold on SQLite and PostgreSQL."""
    ordered = sorted(set(values) - {None})
    for start in range(0, len(ordered), KEYS_PER_QUERY):
        yield ordered[start : start + KEYS_PER_QUERY]


def write_new_and_changed(
    session: Session,
    table: Table,
    key: str | tuple[str, ...],
    fields: Sequence[str],
    rows: Any,
    positions: np.ndarray,
    progress: Callable[[str, int, int], None],
) -> None:
    """The write of a kind whose rows are records of one table: the new rows inserted (their
    key from rows.key, one column or a tuple of columns), the changed fields of the updated
    ones written, each record logged; all in bulk, around the ORM."""
    keys = (key,) if isinstance(key, str) else key
    new = positions[rows.outcome[positions] == NEW]
    # In key order the unique index grows at its end instead of everywhere at once.
    new = new[np.argsort(objects([str(k) for k in rows.key[new]]), kind="stable")]
    columns: dict[str, list[Any]] = {}
    for index, name in enumerate(keys):
        columns[name] = (
            rows.key[new].tolist() if len(keys) == 1 else [k[index] for k in rows.key[new]]
        )
    for name in fields:
        columns[name] = rows.get(name)[new].tolist()
    changed = positions[rows.outcome[positions] == UPDATED]
    total, done = len(new) + len(changed), 0
    progress("write", 0, total)

    def written(count: int) -> None:
        nonlocal done
        done += count
        progress("write", done, total)

    insert_logged(session, table, keys, with_defaults(table, columns, len(new)), written)
    update_logged(session, table, rows, changed, update_stamps(table), written)


def with_defaults(table: Table, columns: dict[str, list[Any]], count: int) -> dict[str, list[Any]]:
    """The columns with each missing column's Python-side default (the driver applies none)."""
    for column in table.columns:
        if column.name in columns or column.primary_key or column.default is None:
            continue
        default = column.default
        value = default.arg(None) if default.is_callable else default.arg
        columns[column.name] = [value] * count
    return columns


def update_stamps(table: Table) -> dict[str, Any]:
    """What an update sets besides its changes: each column's on-update value (updated_at)."""
    return {
        column.name: column.onupdate.arg(None)
        if column.onupdate.is_callable
        else column.onupdate.arg
        for column in table.columns
        if column.onupdate is not None
    }


def insert_logged(
    session: Session,
    table: Table,
    keys: tuple[str, ...],
    columns: dict[str, list[Any]],
    written: Callable[[int], None] = lambda count: None,
) -> None:
    """Insert rows given column by column and log each record created, a chunk at a time
    (`written` is told how many rows each chunk wrote).

    Chunks keep what is built for the driver (its tuples, the ids read back, the change
    log's text) to a fifth of a 100,000-row roster at a time; it is still one transaction.
    """
    bulk = BulkTable(session, table)
    for start in range(0, len(columns[keys[0]]), WRITE_CHUNK):
        part = {name: values[start : start + WRITE_CHUNK] for name, values in columns.items()}
        bulk.insert(part)
        ids = bulk.ids_of(keys, part)
        log_created(session, table.name, ids, part)
        written(len(ids))


def update_logged(
    session: Session,
    table: Table,
    rows: Any,
    positions: Sequence[int],
    stamps: dict[str, Any],
    written: Callable[[int], None] = lambda count: None,
) -> None:
    """Write the changed fields of the records at positions (rows.changes) and log them."""
    bulk = BulkTable(session, table)
    for start in range(0, len(positions), WRITE_CHUNK):
        part = positions[start : start + WRITE_CHUNK]
        bulk.update(
            [
                {"id": rows.record_id[p], **stamps, **{f: v[1] for f, v in rows.changes[p].items()}}
                for p in part
            ]
        )
        log_updated(session, table.name, rows, part)
        written(len(part))


def log_created(
    session: Session,
    table_name: str,
    ids: Sequence[Any],
    columns: dict[str, list[Any]],
) -> None:
    """One change-log row per inserted record: {field: value} of what was written, as the
    ORM hook logs a record it creates."""
    if not ids:
        return
    logged = {"id": list(ids)}
    logged.update(
        (name, values) for name, values in columns.items() if name not in audit.SKIP_FIELDS
    )
    actor, batch_id = audit.current(session)
    audit.log_bulk(
        session, table_name, "create", ids, json_objects(logged), actor=actor, batch_id=batch_id
    )


def log_updated(session: Session, table_name: str, rows: Any, positions: Sequence[int]) -> None:
    """One change-log row per updated record: {field: [before, after]} of its changes."""
    if not len(positions):
        return
    plain = audit.plain
    changes = [
        {name: [plain(old), plain(new)] for name, (old, new) in rows.changes[p].items()}
        for p in positions
    ]
    ids = [rows.record_id[p] for p in positions]
    actor, batch_id = audit.current(session)
    audit.log_bulk(session, table_name, "update", ids, changes, actor=actor, batch_id=batch_id)
