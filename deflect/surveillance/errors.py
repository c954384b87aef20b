"""Overdose surveillance error codes."""

from deflect.core.errors import DomainErrorCode


class SurveillanceErrorCode(DomainErrorCode):
    # An EMS (NEMSIS) or dispatch file failed a check; nothing from it was imported.
    IMPORT_INVALID = "surveillance_import_invalid"
    # The event already has a person.
    ALREADY_IDENTIFIED = "surveillance_already_identified"
    # The person belongs to another program than the event.
    PERSON_OTHER_PROGRAM = "surveillance_person_other_program"
