"""Role → capabilities: the one declarative table. Anything not listed here is denied.

A capability is granted through a membership at an agency and reaches the agencies that share a
program with that agency (its *program scope*); the admin role reaches every agency, and the
``OWN_AGENCY_CAPABILITIES`` reach only the granting membership's own agency.
"""

from deflect.accounts.models import AgencyKind, Role

# --- the foundation -----------------------------------------------------------------------
HOME_VIEW = "home.view"
API_USE = "api.use"
AGENCY_VIEW = "agency.view"
AGENCY_MANAGE = "agency.manage"
PROGRAM_VIEW = "program.view"
PROGRAM_MANAGE = "program.manage"
STAFF_VIEW = "staff.view"
STAFF_MANAGE = "staff.manage"
ADMIN_ROLE_GRANT = "role.grant_admin"
MFA_RESET = "mfa.reset"  # remove another user's second factors (lost device)
AUDIT_VIEW = "audit.view"
# --- field work: people, encounters, screening ----------------------------------------------
PERSON_VIEW = "person.view"
PERSON_CREATE = "person.create"
# A person's contact details and self-reported demographics, beyond who they are.
PERSON_DETAILS_VIEW = "person.details_view"
CONSENT_RECORD = "consent.record"
ENCOUNTER_VIEW = "encounter.view"
ENCOUNTER_CREATE = "encounter.create"
CLINICAL_VIEW = "clinical.view"
SCREENING_CONFIGURE = "screening.configure"
# --- the resource directory -------------------------------------------------------------------
RESOURCE_MATCH = "resource.match"
CAPACITY_UPDATE = "capacity.update"
MOU_MANAGE = "mou.manage"
# --- referrals, the provider portal, cases, follow-up, abeyance, the dashboard ---------------
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
# Funder reports (quarterly performance, Stepping Up) and de-identified person-level exports.
REPORT_VIEW = "report.view"
EXPORT_DEIDENTIFIED = "export.deidentified"
# --- running the program: planning, intercept map, training, naloxone, education, feedback ---
PLANNING_MANAGE = "planning.manage"
TRAINING_VIEW = "training.view"
TRAINING_MANAGE = "training.manage"
NALOXONE_VIEW = "naloxone.view"
NALOXONE_USE = "naloxone.use"
NALOXONE_MANAGE = "naloxone.manage"
COMMUNITY_MANAGE = "community.manage"
FEEDBACK_VIEW = "feedback.view"
# --- outside records (jail, EMS, ED, deaths, treatment) and the outcome measures -------------
# The identifiers other systems wrote, one record at a time.
OUTSIDE_RECORD_VIEW = "outside_record.view"
OUTSIDE_RECORD_IMPORT = "outside_record.import"
# Setting and clearing the links between outside records and people (the linkage).
OUTSIDE_RECORD_LINK = "outside_record.link"
# The outcome measures (counts and intervals, small cells suppressed).
OUTCOMES_VIEW = "outcomes.view"
# --- overdose surveillance: the map, spike alerts, EMS and dispatch imports --------------------
# Aggregated counts (map cells, alerts): no single event, no person.
SURVEILLANCE_VIEW = "surveillance.view"
# Individual overdose events (map points, the event list), never with names on the map.
OVERDOSE_EVENT_VIEW = "surveillance.event_view"
# Imports, identifying a survivor, settings, the spike response checklist, sweeps.
SURVEILLANCE_MANAGE = "surveillance.manage"

_EVERY_ROLE = frozenset({HOME_VIEW, API_USE, AGENCY_VIEW, PROGRAM_VIEW})
_FIELD_WORK = frozenset(
    {PERSON_VIEW, PERSON_CREATE, PERSON_DETAILS_VIEW, CONSENT_RECORD, ENCOUNTER_VIEW}
    | {ENCOUNTER_CREATE}
)
_CASE_WORK = frozenset({REFERRAL_VIEW, REFERRAL_CREATE, CASE_VIEW, FOLLOWUP_VIEW})
_NALOXONE_FIELD = frozenset({NALOXONE_VIEW, NALOXONE_USE})
_OUTSIDE_RECORDS = frozenset(
    {OUTSIDE_RECORD_VIEW, OUTSIDE_RECORD_IMPORT, OUTSIDE_RECORD_LINK, OUTCOMES_VIEW}
)

CAPABILITIES: dict[str, frozenset[str]] = {
    # Patrol officers, deputies, firefighters, EMTs: record, match, refer, carry naloxone.
    Role.RESPONDER: _EVERY_ROLE
    | _FIELD_WORK
    | _NALOXONE_FIELD
    | {RESOURCE_MATCH, REFERRAL_VIEW, REFERRAL_CREATE}
    | {SURVEILLANCE_VIEW},
    # 911 / 988 call takers: find the service that fits now.
    Role.DISPATCHER: _EVERY_ROLE | {RESOURCE_MATCH},
    # QRT members, peers, clinicians: field work with clinical access, the follow-up queue.
    Role.OUTREACH: _EVERY_ROLE
    | _FIELD_WORK
    | _CASE_WORK
    | _NALOXONE_FIELD
    | {CLINICAL_VIEW, RESOURCE_MATCH, FOLLOWUP_WORK, COMMUNITY_MANAGE}
    | {SURVEILLANCE_VIEW, OVERDOSE_EVENT_VIEW},
    # Care coordinators: caseloads, service plans, abeyance progress.
    Role.CASE_MANAGER: _EVERY_ROLE
    | _CASE_WORK
    | {PERSON_VIEW, PERSON_CREATE, PERSON_DETAILS_VIEW, CONSENT_RECORD, ENCOUNTER_VIEW}
    | {CLINICAL_VIEW}
    | {RESOURCE_MATCH, CASE_MANAGE, FOLLOWUP_WORK, ABEYANCE_VIEW, ABEYANCE_MANAGE},
    # Treatment intake staff: their own organization's referrals and capacity.
    Role.PROVIDER: _EVERY_ROLE | {REFERRAL_RECEIVE, CAPACITY_UPDATE},
    # Diversion liaisons: a compliance status and the disposition, nothing clinical.
    Role.PROSECUTOR: _EVERY_ROLE | {ABEYANCE_STATUS_VIEW, ABEYANCE_DISPOSE},
    # Evaluators: the dashboard with small cells suppressed, participant feedback.
    Role.ANALYST: _EVERY_ROLE
    | {DASHBOARD_VIEW, FEEDBACK_VIEW, REPORT_VIEW, EXPORT_DEIDENTIFIED, SURVEILLANCE_VIEW}
    | _OUTSIDE_RECORDS,
    # Program coordinators: the program and everything around the encounters.
    Role.COORDINATOR: _EVERY_ROLE
    | {PROGRAM_MANAGE, STAFF_VIEW, STAFF_MANAGE, PERSON_VIEW, ENCOUNTER_VIEW, SCREENING_CONFIGURE}
    | {RESOURCE_MATCH, MOU_MANAGE}
    | {REFERRAL_VIEW, CASE_VIEW, FOLLOWUP_VIEW, FOLLOWUP_CONFIGURE, ABEYANCE_VIEW}
    | {DASHBOARD_VIEW, DASHBOARD_SMALL_CELLS, REPORT_VIEW, EXPORT_DEIDENTIFIED}
    | {PLANNING_MANAGE, TRAINING_VIEW, TRAINING_MANAGE, COMMUNITY_MANAGE, FEEDBACK_VIEW}
    | {NALOXONE_VIEW, NALOXONE_USE, NALOXONE_MANAGE}
    | {SURVEILLANCE_VIEW, OVERDOSE_EVENT_VIEW, SURVEILLANCE_MANAGE}
    | _OUTSIDE_RECORDS,
    # System administrators: users, agencies, configuration, the audit log; no person data.
    Role.ADMIN: _EVERY_ROLE
    | {AGENCY_MANAGE, PROGRAM_MANAGE, STAFF_VIEW, STAFF_MANAGE, ADMIN_ROLE_GRANT, AUDIT_VIEW}
    | {MFA_RESET},
}

# Roles whose grants reach every agency rather than their programs' agencies.
GLOBAL_ROLES = frozenset({Role.ADMIN})

# Capabilities that reach only the granting membership's own agency, never the other agencies of
# its programs: a provider answers its own organization's referrals, a prosecutor's office its
# own abeyance cases, and roles are granted and revoked only by the agency's own administrator
# (a coordinator at the police department cannot make anyone a case manager at the clinic).
OWN_AGENCY_CAPABILITIES = frozenset(
    {REFERRAL_RECEIVE, ABEYANCE_STATUS_VIEW, ABEYANCE_DISPOSE, STAFF_MANAGE}
)

# Capabilities a membership never grants at these kinds of agency, whatever the role
# (42 CFR Part 2: clinical detail never reaches law enforcement, fire and EMS agencies or
# prosecutors).
DENIED_AT_AGENCY_KINDS: dict[str, frozenset[str]] = {
    CLINICAL_VIEW: frozenset(
        {AgencyKind.LAW_ENFORCEMENT, AgencyKind.FIRE, AgencyKind.EMS, AgencyKind.PROSECUTOR}
    ),
    # Outside health and justice records never reach a prosecutor's office, whatever the role.
    **{
        capability: frozenset({AgencyKind.PROSECUTOR})
        for capability in (OUTSIDE_RECORD_VIEW, OUTSIDE_RECORD_IMPORT, OUTSIDE_RECORD_LINK)
    },
}

ALL_CAPABILITIES = frozenset().union(*CAPABILITIES.values())


def roles_with(capability: str) -> frozenset[str]:
    return frozenset(role for role, caps in CAPABILITIES.items() if capability in caps)
