from django.http import Http404
from ninja import Router, Schema
from ninja.responses import Status

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require, roles_of, visible_to
from deflect.accounts.http import ApiRequest
from deflect.core.schemas import COMMON_ERRORS, WITH_CONFLICT, WITH_NOT_FOUND, Id

from . import selectors, services
from .models import Agency, Membership, User

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    id: int
    user_id: int
    username: str
    agency_id: int
    agency: str
    role: str
    is_active: bool


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[str]
    capabilities: list[str]
    memberships: list[MembershipOut]


class AgencyOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str


class MembershipIn(Schema):
    user_id: Id
    agency_id: Id
    role: str


def _membership_out(m: Membership) -> MembershipOut:
    return MembershipOut(
        id=m.pk,
        user_id=m.user_id,
        username=m.user.username,
        agency_id=m.agency_id,
        agency=m.agency.name,
        role=m.role,
        is_active=m.is_active,
    )


@router.get("/me", response={200: MeOut, **COMMON_ERRORS}, summary="Who am I")
def me(request: ApiRequest) -> MeOut:
    user = request.auth
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=str(user),
        roles=sorted(roles_of(user)),
        capabilities=sorted(c for c in caps.ALL_CAPABILITIES if can(user, c)),
        memberships=[
            _membership_out(m) for m in selectors.memberships_of(user=user).select_related("user")
        ],
    )


@router.get(
    "/agencies", response={200: list[AgencyOut], **COMMON_ERRORS}, summary="Agencies I may see"
)
def agency_list(request: ApiRequest) -> list[Agency]:
    require(request.auth, caps.AGENCY_VIEW)
    return list(visible_to(request.auth, Agency).order_by("name"))


@router.get(
    "/agencies/{agency_id}", response={200: AgencyOut, **WITH_NOT_FOUND}, summary="One agency"
)
def agency_get(request: ApiRequest, agency_id: Id) -> Agency:
    return get_for(request.auth, Agency, agency_id)


@router.get(
    "/staff/memberships",
    response={200: list[MembershipOut], **COMMON_ERRORS},
    summary="Roles held at my programs' agencies",
)
def membership_list(request: ApiRequest, agency_id: Id | None = None) -> list[MembershipOut]:
    require(request.auth, caps.STAFF_VIEW)
    return [
        _membership_out(m)
        for m in selectors.membership_list_for(actor=request.auth, agency_id=agency_id)
    ]


@router.post(
    "/staff/memberships", response={201: MembershipOut, **WITH_CONFLICT}, summary="Grant a role"
)
def membership_create(request: ApiRequest, payload: MembershipIn) -> Status[MembershipOut]:
    require(request.auth, caps.STAFF_MANAGE)
    agency = get_for(request.auth, Agency, payload.agency_id, caps.STAFF_MANAGE)
    user = User.objects.filter(pk=payload.user_id, is_active=True).first()
    if user is None:
        raise Http404("No such user.")
    membership = services.membership_create(
        actor=request.auth, user=user, agency=agency, role=payload.role
    )
    return Status(201, _membership_out(membership))


@router.delete(
    "/staff/memberships/{membership_id}",
    response={200: MembershipOut, **WITH_CONFLICT},
    summary="Revoke a role",
)
def membership_revoke(request: ApiRequest, membership_id: Id) -> MembershipOut:
    membership = get_for(request.auth, Membership, membership_id, caps.STAFF_MANAGE)
    return _membership_out(services.membership_revoke(actor=request.auth, membership=membership))
