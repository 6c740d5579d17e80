"""Stage 4, clean and parse: each column is cleaned as a whole, then each distinct cell is
parsed once and the values are spread back over the rows.

Cleaning is vectorised string work on the whole column with Arrow's kernels (Unicode NFC,
non-breaking and other odd spaces, trimming; pandas' own .str methods fell back to a Python
loop per cell for these, 2.6 s of a 100,000-row roster), so "ครู", "ครู " and "ครู\u00a0"
become one distinct value. Rosters repeat their colleges, departments, positions and dates
many times over, so parsing runs once per distinct value, not once per cell; a column of
unique values (national IDs) is still one pass over its values with no object per row. A
parser's refusal becomes a problem on every row holding that cell, and the value is left
empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from importers.columns import Column
from importers.locate import Table
from importers.results import CellProblem, RowTable, objects
from importers.vectorised import FAST

Progress = Callable[[str, int, int], None]
# Spaces a spreadsheet or a web form leaves that str.split() also treats as spaces (RE2).
ODD_SPACES = r"[\x{00a0}\x{2000}-\x{200a}\x{202f}\x{205f}\x{3000}\t\r\f\v]"


@dataclass
class Distinct:
    """A column as codes into its distinct cleaned values (code -1: a blank cell)."""

    codes: np.ndarray
    values: pa.Array

    def first_positions(self) -> tuple[np.ndarray, np.ndarray]:
        """Each distinct value's code and the first row holding it."""
        codes, first = np.unique(self.codes, return_index=True)
        keep = codes >= 0
        return codes[keep], first[keep]


def parse_cell(parse: Callable[[Any], Any], raw: Any) -> Any:
    """Return the parsed value, or a CellProblem carrying the parser's Thai message."""
    try:
        return parse(raw)
    except ValueError as error:
        return CellProblem(str(error))


def clean(column: pd.Series) -> Distinct:
    """NFC, odd spaces as spaces, trimmed, blank cells missing, then dictionary-encoded.

    Line breaks are kept: some columns (lists of parties, units) use them as separators,
    and the parsers fold them. Each step is one Arrow kernel over the whole column.
    """
    text = pa.array(column.array, type=pa.large_string()).cast(pa.string())
    text = pc.utf8_normalize(text, form="NFC")
    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(text, ODD_SPACES, " "))
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    encoded = pc.dictionary_encode(text)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return Distinct(codes.astype(np.int64), encoded.dictionary)


def parse_distinct(column: Column, distinct: pa.Array) -> np.ndarray:
    """Each distinct value parsed once (whole-column where the parser has a fast form), then
    the blank cell's value last, so that code -1 takes it."""
    fast = FAST.get(column.parse)
    if fast is not None:
        ok, quick = fast(distinct)
        texts = distinct.to_pylist()
        parsed = [quick[i] if ok[i] else parse_cell(column.parse, texts[i]) for i in range(len(ok))]
    else:
        parsed = [parse_cell(column.parse, value) for value in distinct.to_pylist()]
    return objects([*parsed, parse_cell(column.parse, None)])


def parse_table(table: Table, columns: Sequence[Column], progress: Progress) -> RowTable:
    """Parse every present column of the table into a row table, with every cell problem."""
    rows = RowTable(table.numbers)
    present = [column for column in columns if column.name in table.positions]
    for done, column in enumerate(present, start=1):
        distinct = clean(table.column(column.name))
        rows.written[column.name] = distinct
        parsed = parse_distinct(column, distinct.values)
        failed = np.fromiter((type(value) is CellProblem for value in parsed), bool, len(parsed))
        values = parsed[distinct.codes]
        if failed.any():
            header = table.header_of(column.name)
            bad = failed[distinct.codes]
            for position in np.flatnonzero(bad):
                rows.add_problem(position, header, values[position].message)
            values[bad] = None
        rows.set(column.name, values)
        progress("parse", done, len(present))
    return rows


def check_values(rows: RowTable, table: Table, columns: Sequence[Column], context: Any) -> None:
    """Run each column's plausibility check once per distinct value as written."""
    for column in columns:
        if column.check is None or not rows.has(column.name):
            continue
        distinct = rows.written[column.name]
        values = rows.get(column.name)
        texts = distinct.values.to_pylist()
        header = table.header_of(column.name)
        for code, position in zip(*distinct.first_positions(), strict=True):
            if values[position] is None:
                continue
            message = column.check(texts[code], values[position], context)
            if message is None:
                continue
            for hit in np.flatnonzero(distinct.codes == code):
                if values[hit] is not None and not rows.has_problem(hit, header):
                    rows.add_problem(hit, header, message)
