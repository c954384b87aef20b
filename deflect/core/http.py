"""Typed requests for the code that runs only for a signed-in user.

Django builds every request as a plain ``HttpRequest``; these classes are never instantiated.
They tell the type checker what the framework has already set by the time a view or an API
operation runs. The ground floor cannot name the user model, so here the API's user is any
``AbstractBaseUser``; domain code uses the subclasses in ``deflect.accounts.http``, where
``request.user`` and ``request.auth`` are a ``User``."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class SignedInRequest(HttpRequest):
    """What a view behind ``login_required`` receives: ``htmx`` is set by ``HtmxMiddleware``."""

    htmx: HtmxDetails


class ApiRequest(HttpRequest):
    """What an API operation receives once ``TokenAuth`` or ``SessionAuth`` accepted it:
    ``auth`` is the signed-in user."""

    auth: AbstractBaseUser
