"""The registry of audited actions. Every AuditEvent.action is one of these names."""

from django.db import models


class Action(models.TextChoices):
    AUTH_LOGIN = "auth.login", "Signed in"
    AUTH_LOGOUT = "auth.logout", "Signed out"
    AUTH_LOGIN_FAILED = "auth.login_failed", "Failed sign-in"
    AUTH_LOCKOUT = "auth.lockout", "Account locked after failed sign-ins"
    AUTH_SESSION_EXPIRED = "auth.session_expired", "Session ended by absolute timeout"
    AUTH_PASSWORD_CHANGE = "auth.password_change", "Password changed"
    ACCESS_DENIED = "access.denied", "Permission denied"
    AGENCY_CREATE = "agency.create", "Agency created"
    AGENCY_UPDATE = "agency.update", "Agency updated"
    AGENCY_DELETE = "agency.delete", "Agency deleted"
    USER_CREATE = "user.create", "User created"
    USER_UPDATE = "user.update", "User updated"
    USER_DEACTIVATE = "user.deactivate", "User deactivated"
    USER_DELETE = "user.delete", "User deleted"
    MEMBERSHIP_CREATE = "membership.create", "Role granted"
    MEMBERSHIP_REVOKE = "membership.revoke", "Role revoked"
    MEMBERSHIP_UPDATE = "membership.update", "Role changed"
    MEMBERSHIP_DELETE = "membership.delete", "Role record deleted"
    PROGRAM_CREATE = "program.create", "Program created"
    PROGRAM_UPDATE = "program.update", "Program updated"
    PROGRAM_DELETE = "program.delete", "Program deleted"
    TOKEN_CREATE = "token.create", "API token created"
    TOKEN_REVOKE = "token.revoke", "API token revoked"
    AUDIT_VIEW = "audit.view", "Audit log viewed"
    AUDIT_VERIFY = "audit.verify", "Audit chain verified"
    PERSON_READ = "person.read", "Person record read"
    EXPORT = "data.export", "Data exported"
    DEMO_LOAD = "system.demo_load", "Demo data loaded"


class Outcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DENIED = "denied", "Denied"
