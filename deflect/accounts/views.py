from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from deflect.access import capabilities as caps
from deflect.access.policy import can, get_for, programs_visible_to, require
from deflect.accounts.http import SignedInRequest
from deflect.core.errors import DomainError

from . import selectors, services
from .forms import ApiTokenCreateForm, SignInForm, StaffAddForm
from .models import ApiToken, Membership, User


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@login_required
@require_http_methods(["GET", "POST"])
def staff_list(request: SignedInRequest) -> HttpResponse:
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
            "can_reset_mfa": can(request.user, caps.MFA_RESET),
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
def staff_revoke(request: SignedInRequest, membership_id: int) -> HttpResponse:
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


@login_required
@require_http_methods(["GET", "POST"])
def api_token_list(request: SignedInRequest) -> HttpResponse:
    """Your API tokens: list, create (the secret is shown once, on this response) and revoke."""
    form = ApiTokenCreateForm(request.POST or None, programs=programs_visible_to(request.user))
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, secret = services.api_token_create(
                    actor=request.user,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    read_only=form.cleaned_data["read_only"],
                    program=form.cleaned_data["program"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                form = ApiTokenCreateForm(programs=programs_visible_to(request.user))
                status = 201
        if secret is None:
            status = 422
    response = render(
        request,
        "accounts/api_tokens.html",
        {
            "tokens": selectors.api_token_list_of(user=request.user),
            "form": form,
            "secret": secret,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    """Revoke one of the signed-in user's own tokens; anyone else's answers 404."""
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is None:
        raise Http404("No such token.")
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("api-tokens")


class PasswordChangeView(auth_views.PasswordChangeView):
    """The signed-in user changes their own password; the session stays valid (rotated)."""

    request: SignedInRequest  # the parent view is login_required
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        services.user_password_change(
            actor=self.request.user,
            user=self.request.user,
            new_password=form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, "Your password has been changed.")
        return redirect(self.get_success_url())
