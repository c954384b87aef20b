"""42 CFR §2.31 written consent, under the name the people app and its callers use.

The rules live in ``deflect.access.consent`` (the Part 2 disclosure gate on the ground floor
decides with them); this module re-exports them unchanged.
"""

from deflect.access.consent import (
    CLOCK_SKEW,
    DEFAULT_REVOCATION_STATEMENT,
    REQUIRED_ELEMENTS,
    VAGUE_DESCRIPTIONS,
    ConsentDecision,
    ConsentElements,
    ConsentPurpose,
    CoverageDecision,
    InformationCategory,
    consent_coverage,
    consent_decision,
    consent_field_problems,
    consent_problems,
    consent_status,
    describe_information,
    elements_of,
    without,
)

__all__ = [
    "CLOCK_SKEW",
    "DEFAULT_REVOCATION_STATEMENT",
    "REQUIRED_ELEMENTS",
    "VAGUE_DESCRIPTIONS",
    "ConsentDecision",
    "ConsentElements",
    "ConsentPurpose",
    "CoverageDecision",
    "InformationCategory",
    "consent_coverage",
    "consent_decision",
    "consent_field_problems",
    "consent_problems",
    "consent_status",
    "describe_information",
    "elements_of",
    "without",
]
