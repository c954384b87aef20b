from django.db import models

from deflect.accounts.models import Agency
from deflect.core.models import BaseModel, Pathway


class Program(BaseModel):
    """A deflection program run by one or more member agencies."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    jurisdiction = models.CharField(max_length=200, blank=True)
    agencies: "models.ManyToManyField[Agency, ProgramAgency]" = models.ManyToManyField(
        Agency, through="ProgramAgency", related_name="programs"
    )
    is_active = models.BooleanField(default=True)
    # Who must sign in with a second factor (CJIS): staff holding one of these roles at a
    # member agency, and every staff member of these agencies.
    mfa_required_roles = models.JSONField(default=list, blank=True)
    mfa_required_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="mfa_required_by"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgramAgency(BaseModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="program_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "agency"], name="program_agency_unique")
        ]


class ProgramPathway(BaseModel):
    """One enabled PTACC pathway of a program (a row, so reports can join on it)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pathways")
    pathway = models.CharField(max_length=32, choices=Pathway.choices)

    class Meta:
        ordering = ["pathway"]
        constraints = [
            models.UniqueConstraint(fields=["program", "pathway"], name="program_pathway_unique"),
            models.CheckConstraint(
                condition=models.Q(pathway__in=[p.value for p in Pathway]),
                name="program_pathway_valid",
            ),
        ]
