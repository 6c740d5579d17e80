"""Whole-column versions of the cell parsers for the shapes nearly every cell has.

Each takes the distinct cleaned values of a column (an Arrow string array) and returns, for
each, whether it was parsed and the parsed value. A value it does not accept goes through
the cell parser itself, which has the last word and the Thai message: these only make the
common case fast (a roster's national IDs, e-mails and phones are all distinct), and a
property test holds each to its cell parser's answer.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from importers import cells
from thai.phone import _EMAIL  # noqa: PLC2701 - one definition of an acceptable address

Fast = Callable[[pa.Array], tuple[np.ndarray, list]]
WEIGHTS = np.arange(13, 1, -1, dtype=np.int64)


def national_ids(values: pa.Array) -> tuple[np.ndarray, list]:
    """13 ASCII digits, first digit 1–8, with a matching check digit."""
    plain = pc.match_substring_regex(values, r"^[1-8][0-9]{12}$")
    ok = plain.to_numpy(zero_copy_only=False).astype(bool)
    if ok.any():
        chosen = values.filter(plain)
        digits = np.frombuffer(chosen.buffers()[2], dtype=np.uint8)
        offsets = np.frombuffer(chosen.buffers()[1], dtype=np.int32)
        start = offsets[chosen.offset]
        table = digits[start : start + 13 * len(chosen)].reshape(-1, 13).astype(np.int64) - 48
        check = (11 - (table[:, :12] @ WEIGHTS) % 11) % 10
        ok[np.flatnonzero(ok)] = check == table[:, 12]
    return ok, values.to_pylist()


def emails(values: pa.Array) -> tuple[np.ndarray, list]:
    """An ASCII address that is already trimmed and lower case."""
    lowered = pc.utf8_lower(values)
    ok = pc.and_(
        pc.and_(pc.string_is_ascii(values), pc.equal(lowered, values)),
        pc.and_(
            pc.match_substring_regex(values, _EMAIL.pattern),
            pc.less_equal(pc.utf8_length(values), 254),
        ),
    )
    return ok.to_numpy(zero_copy_only=False).astype(bool), values.to_pylist()


def phones(values: pa.Array) -> tuple[np.ndarray, list]:
    """A Thai mobile (06x, 08x, 09x) or Bangkok landline with ASCII punctuation."""
    ascii_only = pc.string_is_ascii(values)
    digits = pc.replace_substring_regex(values, r"[ \-.()]", "")
    ok = pc.and_(
        ascii_only, pc.match_substring_regex(digits, r"^(?:0(?:6[1-6]|[89]\d)\d{7}|02\d{7})$")
    )
    return ok.to_numpy(zero_copy_only=False).astype(bool), digits.to_pylist()


FAST: dict[Callable, Fast] = {
    cells.national_id: national_ids,
    cells.email: emails,
    cells.phone: phones,
}
