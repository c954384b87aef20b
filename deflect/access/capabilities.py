"""Role → capabilities: the one declarative table. Anything not listed here is denied.

A capability is granted through a membership at an agency and reaches the agencies that share a
program with that agency (its *program scope*); the admin role reaches every agency.
"""

from deflect.accounts.models import AgencyKind, Role

HOME_VIEW = "home.view"
API_USE = "api.use"
AGENCY_VIEW = "agency.view"
AGENCY_MANAGE = "agency.manage"
PROGRAM_VIEW = "program.view"
PROGRAM_MANAGE = "program.manage"
STAFF_VIEW = "staff.view"
STAFF_MANAGE = "staff.manage"
ADMIN_ROLE_GRANT = "role.grant_admin"
AUDIT_VIEW = "audit.view"
PERSON_VIEW = "person.view"
PERSON_CREATE = "person.create"
CONSENT_RECORD = "consent.record"
ENCOUNTER_VIEW = "encounter.view"
ENCOUNTER_CREATE = "encounter.create"
CLINICAL_VIEW = "clinical.view"
SCREENING_CONFIGURE = "screening.configure"
# Running the program: planning, the intercept map, training, naloxone, education, feedback.
PLANNING_MANAGE = "planning.manage"
TRAINING_VIEW = "training.view"
TRAINING_MANAGE = "training.manage"
NALOXONE_VIEW = "naloxone.view"
NALOXONE_USE = "naloxone.use"
NALOXONE_MANAGE = "naloxone.manage"
COMMUNITY_MANAGE = "community.manage"
FEEDBACK_VIEW = "feedback.view"
RESOURCE_MATCH = "resource.match"
CAPACITY_UPDATE = "capacity.update"
MOU_MANAGE = "mou.manage"

_EVERY_ROLE = frozenset({HOME_VIEW, API_USE, AGENCY_VIEW, PROGRAM_VIEW})

_FIELD_WORK = frozenset(
    {PERSON_VIEW, PERSON_CREATE, CONSENT_RECORD, ENCOUNTER_VIEW, ENCOUNTER_CREATE}
)

CAPABILITIES: dict[str, frozenset[str]] = {
    Role.RESPONDER: _EVERY_ROLE | _FIELD_WORK,
    Role.DISPATCHER: _EVERY_ROLE,
    Role.OUTREACH: _EVERY_ROLE | _FIELD_WORK | {CLINICAL_VIEW},
    Role.CASE_MANAGER: _EVERY_ROLE
    | {PERSON_VIEW, PERSON_CREATE, CONSENT_RECORD, ENCOUNTER_VIEW, CLINICAL_VIEW},
    Role.PROVIDER: _EVERY_ROLE,
    Role.PROSECUTOR: _EVERY_ROLE,
    Role.ANALYST: _EVERY_ROLE,
    Role.COORDINATOR: _EVERY_ROLE
    | {PROGRAM_MANAGE, STAFF_VIEW, STAFF_MANAGE, PERSON_VIEW, ENCOUNTER_VIEW, SCREENING_CONFIGURE},
    Role.ADMIN: _EVERY_ROLE
    | {AGENCY_MANAGE, PROGRAM_MANAGE, STAFF_VIEW, STAFF_MANAGE, ADMIN_ROLE_GRANT, AUDIT_VIEW},
}

# Running the program: coordinators run all of it; responders and outreach draw and hand out
# naloxone; outreach also records community education; analysts read participant feedback.
_OPERATIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(
        {
            PLANNING_MANAGE,
            TRAINING_VIEW,
            TRAINING_MANAGE,
            NALOXONE_VIEW,
            NALOXONE_USE,
            NALOXONE_MANAGE,
            COMMUNITY_MANAGE,
            FEEDBACK_VIEW,
        }
    ),
    Role.RESPONDER: frozenset({NALOXONE_VIEW, NALOXONE_USE}),
    Role.OUTREACH: frozenset({NALOXONE_VIEW, NALOXONE_USE, COMMUNITY_MANAGE}),
    Role.ANALYST: frozenset({FEEDBACK_VIEW}),
}
for _role, _granted in _OPERATIONS.items():
    CAPABILITIES[_role] = CAPABILITIES[_role] | _granted
# Resource directory: field and case workers match needs to services; a provider's staff keep
# their own organization's capacity current; coordinators keep the program's MOUs.
for _role in (Role.RESPONDER, Role.DISPATCHER, Role.OUTREACH, Role.CASE_MANAGER, Role.COORDINATOR):
    CAPABILITIES[_role] = CAPABILITIES[_role] | {RESOURCE_MATCH}
CAPABILITIES[Role.PROVIDER] = CAPABILITIES[Role.PROVIDER] | {CAPACITY_UPDATE}
CAPABILITIES[Role.COORDINATOR] = CAPABILITIES[Role.COORDINATOR] | {MOU_MANAGE}

# Roles whose grants reach every agency rather than their programs' agencies.
GLOBAL_ROLES = frozenset({Role.ADMIN})

# Capabilities a membership never grants at these kinds of agency, whatever the role
# (42 CFR Part 2: clinical detail never reaches law enforcement or prosecutors).
DENIED_AT_AGENCY_KINDS: dict[str, frozenset[str]] = {
    CLINICAL_VIEW: frozenset({AgencyKind.LAW_ENFORCEMENT, AgencyKind.PROSECUTOR}),
}

# Referrals, the provider portal, cases, follow-up, charges in abeyance and the dashboard.
REFERRAL_VIEW = "referral.view"
REFERRAL_CREATE = "referral.create"
REFERRAL_RECEIVE = "referral.receive"
CASE_VIEW = "case.view"
CASE_MANAGE = "case.manage"
FOLLOWUP_VIEW = "followup.view"
FOLLOWUP_WORK = "followup.work"
FOLLOWUP_CONFIGURE = "followup.configure"
ABEYANCE_VIEW = "abeyance.view"
ABEYANCE_MANAGE = "abeyance.manage"
ABEYANCE_STATUS_VIEW = "abeyance.status_view"
ABEYANCE_DISPOSE = "abeyance.dispose"
DASHBOARD_VIEW = "dashboard.view"
DASHBOARD_SMALL_CELLS = "dashboard.small_cells"  # without it, counts under 11 are suppressed
_CASE_WORK = {REFERRAL_VIEW, REFERRAL_CREATE, CASE_VIEW, FOLLOWUP_VIEW}
_REFERRAL_AND_CASE_GRANTS: dict[str, set[str]] = {
    Role.RESPONDER: {REFERRAL_VIEW, REFERRAL_CREATE},
    Role.OUTREACH: _CASE_WORK | {FOLLOWUP_WORK},
    Role.CASE_MANAGER: _CASE_WORK | {CASE_MANAGE, FOLLOWUP_WORK, ABEYANCE_VIEW, ABEYANCE_MANAGE},
    Role.PROVIDER: {REFERRAL_RECEIVE},
    Role.PROSECUTOR: {ABEYANCE_STATUS_VIEW, ABEYANCE_DISPOSE},
    Role.COORDINATOR: {REFERRAL_VIEW, CASE_VIEW, FOLLOWUP_VIEW, FOLLOWUP_CONFIGURE, ABEYANCE_VIEW}
    | {DASHBOARD_VIEW, DASHBOARD_SMALL_CELLS},
    Role.ANALYST: {DASHBOARD_VIEW},
}
for _role, _granted in _REFERRAL_AND_CASE_GRANTS.items():
    CAPABILITIES[_role] = CAPABILITIES[_role] | frozenset(_granted)
# Capabilities that reach only the granting membership's own agency, never the other agencies of
# its programs: a provider answers its own organization's referrals, a prosecutor's office its
# own abeyance cases.
OWN_AGENCY_CAPABILITIES = frozenset({REFERRAL_RECEIVE, ABEYANCE_STATUS_VIEW, ABEYANCE_DISPOSE})

ALL_CAPABILITIES = frozenset().union(*CAPABILITIES.values())


def roles_with(capability: str) -> frozenset[str]:
    return frozenset(role for role, caps in CAPABILITIES.items() if capability in caps)
