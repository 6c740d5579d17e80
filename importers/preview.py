"""The preview's words: a check's result as a document of every row's outcome, in the
reader's terms (names rather than ids, BE dates), kept as JSON beside the uploaded file."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from importers import KINDS, ImportResult
from importers.columns import Column
from importers.importer import Importer, distinct_map
from importers.results import RowTable, objects
from models import Agency, Province, ScholarshipProgramme
from thai.dates import format_be, format_be_datetime

RESULT_VERSION = 1
# Foreign keys whose ids a preview shows as names.
REFERENCES: dict[str, Any] = {
    "college_id": Agency,
    "parent_id": Agency,
    "host_id": Agency,
    "owner_id": Agency,
    "funder_id": Agency,
    "province_id": Province,
    "programme_id": ScholarshipProgramme,
}
# The parts of a person's name, shown together in a row's summary.
NAME_PARTS = ("prefix", "first_name", "last_name")
# How many values a row's summary shows, and how long it may be.
SUMMARY_FIELDS = 5
SUMMARY_LENGTH = 160


class Describer:
    """Say a row's values and changes in words a reader knows (names rather than ids).

    A 100,000-row file repeats its colleges, departments and dates over and over, so each
    distinct value of a field is put into words once.
    """

    def __init__(self, session: Session, importer: type[Importer], headers: Mapping[str, str]):
        self.session = session
        self.importer = importer
        self.columns = {column.name: column for column in importer.columns}
        self.headers = headers
        self.names: dict[str, dict[Any, str]] = {}
        self.memo: dict[str, dict[Any, str]] = {name: {} for name in self.columns}
        for column in importer.columns:
            self.memo[column.name].update(choice_labels(column))
        self.steps = self.summary_steps()

    def summary_steps(self) -> list[tuple[str, str]]:
        """What a summary shows, in template order: the key is shown on its own."""
        steps = []
        for name in self.columns:
            if name == self.importer.key_column or name in NAME_PARTS[1:]:
                continue
            if name == NAME_PARTS[0]:
                steps.append(("person", name))
            elif name == "full_name":
                steps.append(("full_name", name))
            else:
                steps.append(("value", name))
        return steps

    def load_names(self, rows: RowTable) -> None:
        """Look up, one query per table, the names behind every id the rows mention."""
        wanted: dict[Any, set[Any]] = {}
        for name, model in REFERENCES.items():
            ids = wanted.setdefault(model, set())
            if rows.has(name):
                ids.update(rows.get(name).tolist())
            for changes in rows.changes.values():
                if name in changes:
                    ids.update(changes[name])
        for model, ids in wanted.items():
            ids = {value for value in ids if isinstance(value, int)}
            if not ids:
                continue
            query = select(model.id, model.name_th).where(model.id.in_(ids))
            self.names[model.__name__] = {key: name for key, name in self.session.execute(query)}

    def label(self, name: str) -> str:
        """The column header for a field: as written in the file, else the template's."""
        for candidate in (name, name.removesuffix("_id")):
            header = self.headers.get(candidate)
            if header and header != candidate:
                return header
            if candidate in self.columns:
                return self.columns[candidate].title
        return name

    def text(self, name: str, value: Any) -> str:
        if value is None:
            return ""
        memo = self.memo.get(name)
        if memo is None:
            memo = self.memo[name] = {}
        try:
            return memo[value]
        except KeyError:
            pass
        except TypeError:  # an unhashable value (a list of units): no memo
            return plain_text(value)
        model = REFERENCES.get(name)
        if model is not None and isinstance(value, int):
            text = self.names.get(model.__name__, {}).get(value, str(value))
        else:
            text = plain_text(value)
        memo[value] = text
        return text

    def texts(self, rows: RowTable, name: str) -> np.ndarray:
        """A column's values in words, each distinct value once ("" where blank)."""
        words = distinct_map(rows.get(name), lambda value: self.text(name, value))
        words[np.equal(words, None)] = ""
        return words

    def summaries(self, rows: RowTable) -> list[str]:
        """A few of each row's values in template order, a person's name as one."""
        steps: list[np.ndarray] = []
        for step, name in self.steps:
            if step == "person":
                parts = [rows.get(part) for part in NAME_PARTS]
                steps.append(objects([person_name(*name) for name in zip(*parts, strict=True)]))
            elif step == "full_name" and rows.has(name):
                steps.append(distinct_map(rows.get(name), lambda glued: person_name(*glued)))
            elif rows.has(name) or not rows.has(f"{name}_id"):
                steps.append(self.texts(rows, name))
            else:
                # A reference column is kept as the id it resolved to (college -> college_id).
                steps.append(self.texts(rows, f"{name}_id"))
        summaries = []
        for texts in zip(*steps, strict=True):
            parts = [text for text in texts if text][:SUMMARY_FIELDS]
            summary = " · ".join(parts)
            if len(summary) > SUMMARY_LENGTH:
                summary = summary[: SUMMARY_LENGTH - 1] + "…"
            summaries.append(summary)
        return summaries or [""] * len(rows)


def choice_labels(column: Column) -> dict[Any, str]:
    """A listed column's stored codes with the first label the file may use for each."""
    labels: dict[Any, str] = {}
    for label in column.choices:
        try:
            code = column.parse(label)
        except (ValueError, TypeError):
            continue
        if isinstance(code, str) and code not in labels:
            labels[code] = label
    return labels


def person_name(prefix: Any, first: Any, last: Any) -> str:
    """Join a name as thai.names.full_name does, without cleaning values the importer cleaned."""
    prefix, first, last = plain_text(prefix), plain_text(first), plain_text(last)
    glue = " " if prefix and first and prefix.isascii() else ""
    return f"{prefix}{glue}{first} {last}".strip()


def plain_text(value: Any) -> str:
    """A value as text for the preview: BE dates, Thai yes/no, lists joined."""
    if value is None:
        return ""
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        return "ใช่" if value else "ไม่ใช่"
    if isinstance(value, dt.datetime):
        return format_be_datetime(value)
    if isinstance(value, dt.date):
        return format_be(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(plain_text(item) for item in value if item is not None)
    return str(value)


def result_document(
    session: Session, result: ImportResult, *, problems_only: bool = False
) -> dict[str, Any]:
    """The check's result as JSON-friendly data: every row with its outcome, changes, problems
    (with problems_only, only the rows with problems, as they are: a command's history).

    Built from the row table's columns: each value is put into words once, and one pass
    over the rows assembles their entries.
    """
    importer = KINDS[result.kind]
    rows = result.rows
    describe = Describer(session, importer, result.headers)
    problems = rows.problems_by_position()
    if problems_only:
        positions: Any = sorted(problems)
        summaries = keys = [""] * len(rows)
    else:
        positions = range(len(rows))
        describe.load_names(rows)
        summaries = describe.summaries(rows)
        keys = key_texts(rows, importer.key_column)
    flags = {name: values for name, values in rows.flags.items() if all(map(is_plain, values))}
    numbers, outcomes = rows.numbers.tolist(), rows.outcome.tolist()
    items = []
    for position in positions:
        item: dict[str, Any] = {"row": numbers[position], "outcome": outcomes[position]}
        if keys[position]:
            item["key"] = keys[position]
        if summaries[position]:
            item["summary"] = summaries[position]
        changes = rows.changes.get(position)
        if changes:
            item["changes"] = [
                [describe.label(name), describe.text(name, old), describe.text(name, new)]
                for name, (old, new) in changes.items()
            ]
        if position in problems:
            item["problems"] = [[problem.column, problem.message] for problem in problems[position]]
        said = {
            name: values[position] for name, values in flags.items() if values[position] is not None
        }
        if said:
            item["flags"] = said
        items.append(item)
    counts = result.counts
    return {
        "version": RESULT_VERSION,
        "kind": result.kind,
        "filename": result.filename,
        "dry_run": result.dry_run,
        "skip_invalid": result.skip_invalid,
        "written": result.written,
        "total": len(rows),
        "counts": counts,
        "extra": dict(result.extra),
        "problem_count": sum(len(found) for found in problems.values()),
        "headers": dict(result.headers),
        "key_header": describe.label(importer.key_column),
        "unknown_columns": list(result.unknown_columns),
        "rows": items,
        "rows_kept": "problems" if problems_only else "all",
        # The record versions compared with: confirming refuses if any changed since.
        "versions": dict(result.versions),
    }


def key_texts(rows: RowTable, key_column: str) -> list[str]:
    """Each row's key as the sender wrote it (keys built of database ids are not shown)."""
    values = rows.get(key_column)
    # An identifier parsed as (kind, value), such as a national ID or a G-code.
    shown = distinct_map(values, lambda value: value[-1] if isinstance(value, tuple) else value)
    keys = rows.key
    texts = []
    for value, key in zip(shown.tolist(), keys.tolist(), strict=True):
        if value is None and isinstance(key, str):
            value = key
        texts.append(plain_text(value))
    return texts


def is_plain(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def save_result(path: Path, document: dict[str, Any]) -> None:
    """Keep a check's result at path (written whole, then renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    # dumps, not dump: only the one-shot encoder is the fast one written in C.
    temporary.write_text(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    os.replace(temporary, path)
    # The preview comes next: let this process show it without reading the file back.
    remember_result(path, path.stat().st_mtime_ns, document)


# A 100,000-row result is tens of megabytes: keep the last few in memory, by file version.
_results: OrderedDict[str, tuple[int, dict[str, Any]]] = OrderedDict()
_results_lock = threading.Lock()
KEPT_RESULTS = 4


def remember_result(path: Path, stamp: int, document: dict[str, Any]) -> None:
    with _results_lock:
        _results[str(path)] = (stamp, document)
        _results.move_to_end(str(path))
        while len(_results) > KEPT_RESULTS:
            _results.popitem(last=False)


def load_result(path: Path) -> dict[str, Any] | None:
    """Return the result kept at path, or None if there is none (yet)."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    with _results_lock:
        kept = _results.get(str(path))
    if kept is not None and kept[0] == stamp:
        return kept[1]
    with path.open(encoding="utf-8") as stream:
        document = json.load(stream)
    remember_result(path, stamp, document)
    return document


def problems_by_row(document: Mapping[str, Any]) -> dict[int, list[tuple[str, str]]]:
    """Each rejected row's problems (column as written, message), by row number."""
    return {
        item["row"]: [(column, message) for column, message in item["problems"]]
        for item in document.get("rows", ())
        if item.get("problems")
    }
