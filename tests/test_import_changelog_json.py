"""The change log's JSON for records created in bulk is exactly what the ORM hook writes.

Bulk writers build the {field: value} object of 100,000 created records a column at a time;
whatever the values (Thai text with quotes and control characters, numbers, flags, dates,
timestamps, decimals, mixed columns, blanks), each object must read back as the same JSON,
written with the same encoder the ORM hook uses.
"""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import audit
from importers.store import json_objects

VALUES = st.one_of(
    st.none(),
    st.text(),
    st.sampled_from(["ศานนท์", 'คำ "ใน" วงเล็บ', "back\\slash", "line\nbreak", "ณ อยุธยา"]),
    st.integers(-(10**20), 10**20),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(VALUES, VALUES, st.one_of(st.none(), st.text(max_size=5))), min_size=1))
def test_bulk_json_is_the_hooks_json(rows):
    columns = {name: [row[i] for row in rows] for i, name in enumerate(("a", "ชื่อ", "c"))}
    objects = json_objects(columns)
    assert len(objects) == len(rows)
    for text, row in zip(objects, rows, strict=True):
        expected = {
            name: audit.plain(value)
            for name, value in zip(("a", "ชื่อ", "c"), row, strict=True)
            if value is not None
        }
        assert text == audit.encode_json(expected)
        assert json.loads(text) == json.loads(json.dumps(expected, default=str))


def test_a_column_of_only_blanks_gives_empty_objects_not_fewer_rows():
    assert json_objects({"a": [None, None], "b": [None, Decimal("1.50")]}) == ["{}", '{"b":"1.50"}']
