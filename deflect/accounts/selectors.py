from django.db.models import QuerySet

from deflect.access import capabilities as caps
from deflect.access.policy import visible_to

from .models import Agency, ApiToken, Membership, User


def membership_list_for(
    *, actor: User, agency_id: int | None = None, include_inactive: bool = False
) -> QuerySet[Membership]:
    """Memberships at the agencies the actor manages staff for (their programs' agencies)."""
    qs = visible_to(actor, Membership).select_related("user", "agency")
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("agency__name", "user__last_name", "user__username", "role")


def agencies_for_staff_management(*, actor: User) -> QuerySet[Agency]:
    return visible_to(actor, Agency, caps.STAFF_MANAGE).order_by("name")


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
        .select_related("agency")
        .order_by("agency__name", "role")
    )


def api_token_list_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first, live and revoked."""
    return ApiToken.objects.filter(user=user).select_related("program").order_by("-created_at")
