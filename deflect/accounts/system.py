"""The system actor: work nobody signed in for (demo loading, operator commands, scheduled jobs,
imports) still goes through the services with an ``actor=``, and still writes its audit rows.

Every service requires an actor; none accepts ``None``. System work asks for one here, by a
name that stands out in review::

    agency_create(actor=dangerously_as_system("cli"), name=..., kind=...)

The actor is a real ``User`` row per purpose (``system: cli``, ``system: jobs``, ...), created
on first use, inactive and without a usable password, so it can never sign in or hold a token.
What makes it a system actor is not the row but the in-memory mark this function sets: a user
loaded from a request, a session or a token never carries it. The policy grants a marked actor
every capability everywhere, exactly what the services allowed their operator callers before;
the audit rows name it (``actor_username`` "system: cli").
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from deflect.accounts.models import User

# The purposes system work may name; a typo is an error, not a new account.
PURPOSES = frozenset({"cli", "demo", "jobs", "imports", "tests"})
_MARK = "_system_purpose"


def system_username(purpose: str) -> str:
    return f"system: {purpose}"


def dangerously_as_system(purpose: str) -> User:
    """The system actor for ``purpose``: allowed everything by the policy. Only for work no
    person does (commands, jobs, the demo); never for a request."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown system purpose {purpose!r}; one of {sorted(PURPOSES)}")
    user, created = User.objects.get_or_create(
        username=system_username(purpose),
        defaults={"is_active": False, "display_name": f"System ({purpose})"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif user.is_active or user.has_usable_password() or user.memberships.exists():
        # Someone made an ordinary account with this name: refuse to elevate it.
        raise ImproperlyConfigured(f"{user.username!r} is not a system account")
    user.__dict__[_MARK] = purpose
    return user


def system_purpose(actor: object) -> str | None:
    """The purpose of a system actor, or None for anyone else."""
    return getattr(actor, "__dict__", {}).get(_MARK)


def is_system(actor: object) -> bool:
    return system_purpose(actor) is not None
