"""Typed requests for domain views and API operations: those of ``deflect.core.http`` with the
user narrowed to ``User``. Types only; Django builds the requests (see ``deflect.core.http``)."""

from deflect.core import http

from .models import User


class SignedInRequest(http.SignedInRequest):
    """What a view behind ``login_required`` receives: ``request.user`` is a signed-in ``User``."""

    user: User


class ApiRequest(http.ApiRequest):
    """What an API operation receives: ``request.auth`` (and ``request.user``) is the ``User``
    that ``TokenAuth`` or ``SessionAuth`` accepted."""

    auth: User
    user: User
