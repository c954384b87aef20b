from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from deflect.access import capabilities as caps
from deflect.access.policy import require, visible_to
from deflect.core.http import SignedInRequest

from .actions import Action
from .forms import AuditFilterForm
from .models import AuditEvent
from .selectors import audit_event_list
from .services import audit_record


@login_required
def audit_list(request: SignedInRequest) -> HttpResponse:
    """The admin's audit page. Viewing it is itself audited (CJIS)."""
    user = request.user
    require(user, caps.AUDIT_VIEW)
    if not isinstance(user, AbstractBaseUser):  # never: login_required and require stop anyone else
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_event_list(queryset=visible_to(request.user, AuditEvent), **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit_record(
        action=Action.AUDIT_VIEW,
        actor=user,
        extra={k: str(v) for k, v in filters.items() if v},
    )
    query = request.GET.copy()
    query.pop("page", None)
    template = "audit/_rows.html" if request.htmx else "audit/audit_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
        },
    )
