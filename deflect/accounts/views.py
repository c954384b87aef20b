from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, require
from deflect.core.errors import DomainError

from . import selectors, services
from .forms import SignInForm, StaffAddForm
from .models import Membership, User


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@login_required
@require_http_methods(["GET", "POST"])
def staff_list(request):
    """A coordinator's page for their program's staff: who holds which role where."""
    require(request.user, caps.STAFF_VIEW)
    agencies = selectors.agencies_for_staff_management(actor=request.user)
    can_manage = can(request.user, caps.STAFF_MANAGE)
    form = StaffAddForm(
        request.POST or None,
        agencies=agencies,
        allow_admin=can(request.user, caps.ADMIN_ROLE_GRANT),
    )
    if request.method == "POST":
        require(request.user, caps.STAFF_MANAGE)
        if form.is_valid():
            try:
                _staff_add(request.user, form.cleaned_data)
            except DomainError as error:
                for field, problems in error.fields.items():
                    target = field if field in form.fields else None
                    for problem in problems:
                        form.add_error(target, problem)
                form.add_error(None, error.message)
            else:
                messages.success(request, "Staff member added.")
                return redirect("staff-list")
    agency_filter = request.GET.get("agency", "")
    memberships = selectors.membership_list_for(
        actor=request.user, agency_id=int(agency_filter) if agency_filter.isdigit() else None
    )
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "accounts/staff_list.html",
        {
            "memberships": memberships,
            "form": form,
            "can_manage": can_manage,
            "agencies": agencies,
            "agency_filter": agency_filter,
        },
        status=status,
    )


def _staff_add(actor: User, data: dict) -> Membership:
    existing = User.objects.filter(username__iexact=data["username"].strip()).first()
    if existing is None:
        if not data["password"]:
            raise DomainError(
                "A new account needs an initial password.",
                fields={"password": ["Required for a new account."]},
            )
        user = services.user_create(
            actor=actor,
            username=data["username"],
            password=data["password"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
        )
    else:
        user = existing
    return services.membership_create(
        actor=actor, user=user, agency=data["agency"], role=data["role"]
    )


@login_required
@require_POST
def staff_revoke(request, membership_id: int):
    membership = get_for(request.user, Membership, membership_id, caps.STAFF_MANAGE)
    try:
        services.membership_revoke(actor=request.user, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Revoked {membership.get_role_display()} from {membership.user}."
        )
    return redirect("staff-list")
