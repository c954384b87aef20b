"""Turns the phone form's flat POST into the nested submission ``EncounterIn`` validates.

Field names use dots for nesting (``overdose.overdose_at``) and a numeric part for list items
(``officer_intervention.offenses.0.statute``). Inputs of hidden pathway sections are disabled
in the browser, so only the chosen pathway's section arrives.
"""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict
from django.utils import timezone

from deflect.core.errors import ValidationFailed

# The highest list position a field name may carry (``offenses.49.statute``): well above any
# list the submission accepts (ten offenses), low enough that a forged index such as
# ``offenses.3000000`` is refused at once instead of building millions of empty items.
MAX_LIST_INDEX = 49

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


def _misfit(key: str) -> ValidationFailed:
    return ValidationFailed(
        "The form's fields do not fit together; reload the page.",
        fields={key or "__all__": ["This field does not fit the form."]},
    )


def _put(target: dict, path: list[str], value, *, key: str = "") -> None:
    head, rest = path[0], path[1:]
    if not rest:
        target[head] = value
        return
    if rest[0].isascii() and rest[0].isdigit():
        if len(rest[0]) > 3 or int(rest[0]) > MAX_LIST_INDEX:
            name = key.rsplit("." + rest[0], 1)[0] if key else head
            raise ValidationFailed(
                "The form has more rows than it can take.",
                fields={name: [f"At most {MAX_LIST_INDEX + 1} rows."]},
            )
        items = target.setdefault(head, [])
        if not isinstance(items, list):
            raise _misfit(key)
        index = int(rest[0])
        while len(items) <= index:
            items.append({})
        if len(rest) == 1:
            items[index] = value
        elif isinstance(items[index], dict):
            _put(items[index], rest[1:], value, key=key)
        else:
            raise _misfit(key)
        return
    child = target.setdefault(head, {})
    if not isinstance(child, dict):
        raise _misfit(key)
    _put(child, rest, value, key=key)


def submission_from_post(post: QueryDict) -> dict:
    """The nested submission; raises ``ValidationFailed`` for a list position past
    ``MAX_LIST_INDEX``."""
    data: dict = {}
    for key in post:
        if key in CONTROL_FIELDS:
            continue
        if key in LIST_FIELDS:
            values = [v for v in post.getlist(key) if v != ""]
            _put(data, key.split("."), values, key=key)
            continue
        value = post.get(key, "")
        if value == "":
            continue
        if key in LOCAL_DATETIME_FIELDS:
            value = _aware(value)
        _put(data, key.split("."), value, key=key)
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
        answers = data.get(section)
        if isinstance(answers, dict) and not any(v not in ("", [], None) for v in answers.values()):
            data.pop(section)
    intervention = data.get("officer_intervention")
    if isinstance(intervention, dict) and isinstance(intervention.get("offenses"), list):
        intervention["offenses"] = [
            o for o in intervention["offenses"] if not isinstance(o, dict) or any(o.values())
        ]
    return data
