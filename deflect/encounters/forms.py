"""Turns the phone form's flat POST into the nested submission ``EncounterIn`` validates.

Field names use dots for nesting (``overdose.overdose_at``) and a numeric part for list items
(``officer_intervention.offenses.0.statute``). Inputs of hidden pathway sections are disabled
in the browser, so only the chosen pathway's section arrives.
"""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict
from django.utils import timezone

# Fields that may hold several values (checkbox groups).
LIST_FIELDS = {
    "responder_ids",
    "overdose.substances_suspected",
    "first_responder_referral.offered",
    "community_response.team",
    "eligibility.offense_categories",
    "needs.substances",
    "needs.oud_indicators",
}
# datetime-local inputs carry no zone: they mean the program's local time.
LOCAL_DATETIME_FIELDS = {"occurred_at", "overdose.overdose_at"}
# Form fields that steer the page, not the encounter: the chosen person's name as shown, and
# ``sent_from`` ("outbox" when the phone sends a queued copy in the background).
CONTROL_FIELDS = {
    "csrfmiddlewaretoken",
    "person_mode",
    "eligibility_override.apply",
    "person_label",
    "sent_from",
}


def _aware(value: str) -> str:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value  # let validation name the problem
    if parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed.isoformat()


def _put(target: dict, path: list[str], value) -> None:
    head, rest = path[0], path[1:]
    if not rest:
        target[head] = value
        return
    if rest[0].isdigit():
        items = target.setdefault(head, [])
        index = int(rest[0])
        while len(items) <= index:
            items.append({})
        if len(rest) == 1:
            items[index] = value
        else:
            _put(items[index], rest[1:], value)
        return
    _put(target.setdefault(head, {}), rest, value)


def submission_from_post(post: QueryDict) -> dict:
    data: dict = {}
    for key in post:
        if key in CONTROL_FIELDS:
            continue
        if key in LIST_FIELDS:
            values = [v for v in post.getlist(key) if v != ""]
            _put(data, key.split("."), values)
            continue
        value = post.get(key, "")
        if value == "":
            continue
        if key in LOCAL_DATETIME_FIELDS:
            value = _aware(value)
        _put(data, key.split("."), value)
    mode = post.get("person_mode", "")
    for field, wanted in (
        ("person_id", "existing"),
        ("new_person", "new"),
        ("unidentified_description", "unidentified"),
    ):
        if mode and mode != wanted:
            data.pop(field, None)
    if post.get("eligibility_override.apply") != "on":
        data.pop("eligibility_override", None)
    for section in ("eligibility", "needs"):
        if section in data and not any(v not in ("", [], None) for v in data[section].values()):
            data.pop(section)
    if "officer_intervention" in data:
        offenses = data["officer_intervention"].get("offenses", [])
        data["officer_intervention"]["offenses"] = [o for o in offenses if any(o.values())]
    return data
