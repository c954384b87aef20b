import datetime as dt

import factory

from deflect.programs.tests.factories import ProgramFactory

from ..models import ExternalRecord, ImportBatch, RecordKind


class ImportBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportBatch

    program = factory.SubFactory(ProgramFactory)
    source = "county_jail"
    kind = RecordKind.JAIL_BOOKING
    file_name = "bookings.csv"
    status = "done"


class ExternalRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalRecord

    program = factory.SubFactory(ProgramFactory)
    source = "county_jail"
    source_record_id = factory.Sequence(lambda n: f"R{n:06d}")
    kind = RecordKind.JAIL_BOOKING
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    dob = factory.Faker("date_of_birth", minimum_age=18, maximum_age=80)
    event_at = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
