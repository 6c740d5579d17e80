"""A round's calendar, read from its RoundStep rows (data, not code), and Bangkok time."""

from __future__ import annotations

import datetime as dt

from models import PLACEMENT_PROGRESS, Placement, PlacementRound, PlacementStep, RoundStep
from thai.dates import bangkok_now


def now() -> dt.datetime:
    """Return the current time as naive Bangkok local time."""
    return bangkok_now()


def window(placement_round: PlacementRound | None, step: str | None) -> RoundStep | None:
    """Return the round's calendar row for a step (the first by position), or None."""
    if placement_round is None or step is None:
        return None
    for row in placement_round.steps:
        if row.step == str(step):
            return row
    return None


def next_main_step(step: str) -> PlacementStep | None:
    """Return the step after this one on the main line, or None at its end or off it."""
    try:
        index = PLACEMENT_PROGRESS.index(PlacementStep(step))
    except ValueError:
        return None
    if index + 1 >= len(PLACEMENT_PROGRESS):
        return None
    return PLACEMENT_PROGRESS[index + 1]


def steps_not_reached(step: str) -> list[PlacementStep]:
    """Return the main-line steps after this one (none for a step off the main line)."""
    try:
        index = PLACEMENT_PROGRESS.index(PlacementStep(step))
    except ValueError:
        return []
    return list(PLACEMENT_PROGRESS[index + 1 :])


def due_on(placement: Placement) -> dt.date | None:
    """Return the end of the next step's window: the day the next move is due by."""
    following = next_main_step(placement.status)
    row = window(placement.round, following)
    return row.ends_on if row is not None else None
