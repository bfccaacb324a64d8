"""Instants in scenario files: ISO 8601 with an offset, or a local time and an IANA zone."""

from __future__ import annotations

from datetime import UTC, datetime
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
        moment = moment.replace(tzinfo=zone(zone_name.strip()))
    if moment.tzinfo is None:
        raise ValueError("an instant needs an offset (e.g. 'Z') or a zone name")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"instant out of range: {value!r}") from None


def iso_utc(moment: datetime) -> str:
    """``1962-10-27T14:00:00Z``: the one spelling of instants in logs and JSON."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
