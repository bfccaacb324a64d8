"""Instants in scenario files: ISO 8601 with an offset, or a local time and an IANA zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name``; ``ValueError`` if the zone database lacks it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def parse_instant(value: object) -> object:
    """Turn a scenario instant into an aware UTC datetime; leave other types to pydantic."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("an instant needs an offset (e.g. 'Z') or a zone name")
        return value.astimezone(UTC)
    if not isinstance(value, str):
        return value
    text = value.strip()
    local, _, zone_name = text.partition(" ")
    try:
        moment = datetime.fromisoformat(local.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 instant: {value!r}") from exc
    if zone_name:
        if moment.tzinfo is not None:
            raise ValueError("give either an offset or a zone name, not both")
        moment = _local(moment, zone_name.strip())
    if moment.tzinfo is None:
        raise ValueError("an instant needs an offset (e.g. 'Z') or a zone name")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"instant out of range: {value!r}") from None


def _local(naive: datetime, zone_name: str) -> datetime:
    """The instant a wall-clock time names in a zone; ``ValueError`` asking for the offset
    when the zone's clocks skipped it (a gap) or showed it twice (an overlap)."""
    tz = zone(zone_name)
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    try:
        offsets = first.utcoffset(), second.utcoffset()
    except OverflowError:
        raise ValueError(f"instant out of range: {naive.isoformat()} {zone_name}") from None
    wall = naive.isoformat(timespec="minutes" if not naive.second else "seconds")
    if offsets[0] == offsets[1]:
        return first
    # fold=0 reads the wall time on the clock before the change, fold=1 after it; in a gap
    # neither reading comes back to the same wall time.
    spelled = " or ".join(f"{wall}{_offset(o)}" for o in offsets)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive:
        raise ValueError(f"{wall} {zone_name} happened twice (the clocks were set back): "
                         f"give the offset instead of the zone, {spelled}")
    raise ValueError(f"{wall} {zone_name} never happened (the clocks were set forward): "
                     f"give the offset instead of the zone, {spelled}")


def _offset(delta: timedelta | None) -> str:
    """``-04:00``: a UTC offset as ISO 8601 spells it."""
    assert delta is not None
    minutes = round(delta.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def iso_utc(moment: datetime) -> str:
    """``1962-10-27T14:00:00Z``: the one spelling of instants in logs and JSON."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
