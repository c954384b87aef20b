from django.contrib.auth.models import AbstractUser
from django.db import models

from deflect.core.models import BaseModel


class Role(models.TextChoices):
    """The roles of DESIGN.md §3. A user holds roles through memberships in agencies."""

    RESPONDER = "responder", "Responder"
    DISPATCHER = "dispatcher", "Dispatcher"
    OUTREACH = "outreach", "Outreach worker"
    CASE_MANAGER = "case_manager", "Case manager"
    PROVIDER = "provider", "Provider intake staff"
    PROSECUTOR = "prosecutor", "Prosecutor liaison"
    COORDINATOR = "coordinator", "Program coordinator"
    ANALYST = "analyst", "Analyst"
    ADMIN = "admin", "System administrator"


class AgencyKind(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    FIRE = "fire", "Fire"
    EMS = "ems", "Emergency medical services"
    BEHAVIORAL_HEALTH = "behavioral_health", "Behavioral health"
    TREATMENT_PROVIDER = "treatment_provider", "Treatment provider"
    COMMUNITY_ORGANIZATION = "community_organization", "Community organization"
    PROSECUTOR = "prosecutor", "Prosecutor's office"
    OTHER = "other", "Other"


class User(AbstractUser):
    """A person who signs in. Unique user ids, never shared (HIPAA 164.312(a)(2)(i))."""

    display_name = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Agency(BaseModel):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """A user's role at one agency. The access policy reads only these rows."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency__name", "user__username", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_user_agency_role"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.agency}"


class ApiToken(BaseModel):
    """A bearer token for the API. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Scopes: a read-only token may only read (GET); a program token sees only that program.
    read_only = models.BooleanField(default=False)
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
    )

    class Meta:
        ordering = ["-created_at"]

    @property
    def scope_label(self) -> str:
        parts = ["read-only" if self.read_only else "read and write"]
        parts.append(f"program {self.program}" if self.program_id else "all my programs")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PasskeyCredential(BaseModel):
    """A WebAuthn passkey (security key, phone or platform authenticator) registered as a
    second factor. Only the public key is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(max_length=100)
    credential_id = models.CharField(max_length=1024, unique=True)  # base64url
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"
