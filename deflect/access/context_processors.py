"""Navigation built from the access policy, so menus never offer what the user cannot open."""

from functools import cache

from django.urls import reverse

from . import capabilities as caps
from .policy import can

NAV_ITEMS = (
    ("Home", "home", caps.HOME_VIEW),
    ("New encounter", "encounters:new", caps.ENCOUNTER_CREATE),
    ("Encounters", "encounters:list", caps.ENCOUNTER_VIEW),
    ("People", "people:search", caps.PERSON_VIEW),
    ("Programs", "programs:list", caps.PROGRAM_VIEW),
    ("Staff", "staff-list", caps.STAFF_VIEW),
    ("Audit log", "audit:list", caps.AUDIT_VIEW),
    ("Naloxone", "naloxone:home", caps.NALOXONE_VIEW),
    ("Training", "training:home", caps.TRAINING_VIEW),
    ("Education", "community:home", caps.COMMUNITY_MANAGE),
    ("Feedback", "feedback:home", caps.FEEDBACK_VIEW),
    ("Find a resource", "resources:match", caps.RESOURCE_MATCH),
    ("Capacity", "resources:capacity", caps.CAPACITY_UPDATE),
    ("MOUs", "resources:mous", caps.MOU_MANAGE),
    ("Directory", "resources:directory", caps.HOME_VIEW),
    ("Referrals", "referrals:list", caps.REFERRAL_VIEW),
    ("Inbound referrals", "referrals:inbound", caps.REFERRAL_RECEIVE),
    ("Follow-ups", "followups:queue", caps.FOLLOWUP_VIEW),
    ("Cases", "cases:list", caps.CASE_VIEW),
    ("Abeyance", "cases:abeyance-list", caps.ABEYANCE_VIEW),
    ("Abeyance cases", "cases:prosecutor-list", caps.ABEYANCE_STATUS_VIEW),
    ("Dashboard", "reporting:dashboard", caps.DASHBOARD_VIEW),
    ("Outcomes", "outcomes:home", caps.OUTCOMES_VIEW),
    ("Equity", "equity:page", caps.DASHBOARD_VIEW),
    ("Funder reports", "reports:list", caps.REPORT_VIEW),
)


@cache
def _nav_urls() -> tuple[tuple[str, str, str], ...]:
    """(label, url, capability) of every item: the URL configuration does not change while the
    process runs, so each name is reversed once."""
    return tuple((label, reverse(name), capability) for label, name, capability in NAV_ITEMS)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    granted: dict[str, bool] = {}
    items = []
    for label, url, capability in _nav_urls():
        if capability not in granted:
            granted[capability] = can(user, capability)
        if granted[capability]:
            items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav_items": items}
