"""Building cohorts for the measure tests: encounters and outside records at exact days."""

import datetime as dt
import uuid

from deflect.encounters.models import Encounter, OverdoseDetail
from deflect.people.tests.factories import PersonFactory

from ..models import ExternalRecord

T0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


def day(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def encounter(world, person, at, *, pathway="naloxone_plus", outcome="referred", overdose=None):
    row = Encounter.objects.create(
        client_uuid=uuid.uuid4(),
        fingerprint="x",
        program=world.program,
        agency=world.agencies["police"],
        pathway=pathway,
        occurred_at=at,
        person=person,
        outcome=outcome,
        recorded_by=world.officer,
    )
    if overdose is not None:
        OverdoseDetail.objects.create(
            encounter=row, overdose_at=at, naloxone_response="responded", fatal=overdose
        )
    return row


_counter = iter(range(10**9))


def record(world, person, kind, at, **fields):
    return ExternalRecord.objects.create(
        program=world.program,
        source="test",
        source_record_id=f"T{next(_counter)}",
        kind=kind,
        event_at=at,
        person=person,
        **fields,
    )


def person(world, **fields):
    return PersonFactory(program=world.program, **fields)
