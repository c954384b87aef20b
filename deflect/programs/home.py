"""The signed-in landing page: the user's roles and agencies, a card per role with the links the
policy lets them open, and the programs they may see."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse

from deflect.access import capabilities as caps
from deflect.access.policy import can, roles_of, visible_to
from deflect.accounts import selectors as account_selectors
from deflect.accounts.models import Role

from .models import Program


@login_required
def home(request):
    """The role-aware landing page: what this user is, where, and what they can open.
    A signed-in user with no role sees an explanation rather than an error."""
    memberships = account_selectors.memberships_of(user=request.user)
    roles = roles_of(request.user)
    programs = visible_to(request.user, Program).annotate(
        pathway_count=Count("pathways", distinct=True),
        agency_count=Count("agencies", distinct=True),
    )
    return render(
        request,
        "programs/home.html",
        {
            "memberships": memberships,
            "roles": sorted(roles),
            "role_cards": _role_cards(request.user, roles),
            "programs": programs,
            "can_manage_staff": can(request.user, caps.STAFF_MANAGE),
            "can_view_audit": can(request.user, caps.AUDIT_VIEW),
            "is_superuser": request.user.is_superuser,
        },
    )


ROLE_CARDS = [
    {
        "role": Role.RESPONDER,
        "title": "Responder",
        "text": "Record field contacts on any of your program's pathways, screen eligibility and "
        "needs, find the service that fits now and refer the person to it.",
        "links": [
            ("New encounter", "encounters:new", caps.ENCOUNTER_CREATE),
            ("My encounters", "encounters:list", caps.ENCOUNTER_VIEW),
            ("Find a resource", "resources:match", caps.RESOURCE_MATCH),
        ],
    },
    {
        "role": Role.DISPATCHER,
        "title": "Dispatcher",
        "text": "Find the service or community team that fits a call now.",
        "links": [("Find a resource", "resources:match", caps.RESOURCE_MATCH)],
    },
    {
        "role": Role.OUTREACH,
        "title": "Outreach",
        "text": "Work today's follow-up queue: post-overdose visits and engagement attempts, and "
        "a referral straight from a contact.",
        "links": [
            ("Follow-up queue", "followups:queue", caps.FOLLOWUP_VIEW),
            ("New encounter", "encounters:new", caps.ENCOUNTER_CREATE),
            ("Community education", "community:home", caps.COMMUNITY_MANAGE),
            ("Overdose map and spike alerts", "surveillance:home", caps.SURVEILLANCE_VIEW),
        ],
    },
    {
        "role": Role.CASE_MANAGER,
        "title": "Case manager",
        "text": "Your caseload, referral status, service plans and abeyance deadlines.",
        "links": [
            ("Cases", "cases:list", caps.CASE_VIEW),
            ("Referrals", "referrals:list", caps.REFERRAL_VIEW),
            ("Charges in abeyance", "cases:abeyance-list", caps.ABEYANCE_VIEW),
        ],
    },
    {
        "role": Role.PROVIDER,
        "title": "Provider intake",
        "text": "Referrals sent to your organization, intake confirmation and open capacity.",
        "links": [
            ("Inbound referrals", "referrals:inbound", caps.REFERRAL_RECEIVE),
            ("Update capacity", "resources:capacity", caps.CAPACITY_UPDATE),
        ],
    },
    {
        "role": Role.PROSECUTOR,
        "title": "Prosecutor liaison",
        "text": "Compliance status of charges held in abeyance — never clinical details.",
        "links": [("Abeyance cases", "cases:prosecutor-list", caps.ABEYANCE_STATUS_VIEW)],
    },
    {
        "role": Role.COORDINATOR,
        "title": "Program coordinator",
        "text": "Your program's staff, partners and MOUs, planning checklists, training, "
        "naloxone stock, follow-up rules and how the program is doing.",
        "links": [
            ("Dashboard", "reporting:dashboard", caps.DASHBOARD_VIEW),
            ("Funder reports", "reports:list", caps.REPORT_VIEW),
            ("Programs and planning", "programs:list", caps.PROGRAM_VIEW),
            ("Naloxone", "naloxone:home", caps.NALOXONE_VIEW),
            ("Overdose surveillance", "surveillance:home", caps.SURVEILLANCE_VIEW),
            ("Training", "training:home", caps.TRAINING_VIEW),
            ("MOUs", "resources:mous", caps.MOU_MANAGE),
            ("Participant feedback", "feedback:home", caps.FEEDBACK_VIEW),
        ],
    },
    {
        "role": Role.ANALYST,
        "title": "Analyst",
        "text": "De-identified, small-cell-suppressed program data and reports.",
        "links": [
            ("Dashboard", "reporting:dashboard", caps.DASHBOARD_VIEW),
            ("Funder reports", "reports:list", caps.REPORT_VIEW),
            ("De-identified export", "reports:export", caps.EXPORT_DEIDENTIFIED),
            ("Participant feedback", "feedback:home", caps.FEEDBACK_VIEW),
            ("Overdose map (aggregated)", "surveillance:home", caps.SURVEILLANCE_VIEW),
        ],
    },
    {
        "role": Role.ADMIN,
        "title": "System administrator",
        "text": "Agencies, users, programs and the audit log.",
        "links": [("Audit log", "audit:list", caps.AUDIT_VIEW)],
    },
]


def _role_cards(user, roles: set[str]) -> list[dict]:
    """The cards of the user's roles, each with the links the policy lets this user open."""
    return [
        {
            **card,
            "links": [
                (label, reverse(name))
                for label, name, capability in card["links"]
                if can(user, capability)
            ],
        }
        for card in ROLE_CARDS
        if card["role"] in roles
    ]
