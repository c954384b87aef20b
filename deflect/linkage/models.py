"""A link run, the pairs it scored, the clusters it stored, and the clerical review queue.

Nodes are written as keys: ``p<id>`` for a deflect person, ``r<id>`` for an outside record, so a
pair or a cluster member can name either side without a foreign key to each (a merge of people
moves foreign keys; these keys stay as the run saw them).
"""

from django.conf import settings
from django.db import models

from deflect.core.models import BaseModel


class PairKind(models.TextChoices):
    RECORD_PERSON = "record_person", "Outside record and person"
    PERSON_PERSON = "person_person", "Possible duplicate people"
    RECORD_RECORD = "record_record", "Two outside records"


class LinkRun(BaseModel):
    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    backend = models.CharField(max_length=10)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    upper_threshold = models.FloatField()
    lower_threshold = models.FloatField()
    people_count = models.PositiveIntegerField(default=0)
    record_count = models.PositiveIntegerField(default=0)
    pair_count = models.PositiveIntegerField(default=0)
    linked_count = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    cluster_count = models.PositiveIntegerField(default=0)
    model_json = models.JSONField(default=dict, help_text="The trained Splink model (m, u).")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Link run #{self.pk} ({self.backend})"


class LinkPair(BaseModel):
    """A scored pair at or above the run's lower threshold, with the level each comparison
    reached (the reasons) and what the run made of it."""

    class Outcome(models.TextChoices):
        LINKED = "linked", "Linked"
        REVIEW = "review", "Sent to review"
        CONFIRMED = "confirmed", "Linked: confirmed by an analyst"
        REJECTED = "rejected", "Kept apart: rejected by an analyst"

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="pairs")
    left_key = models.CharField(max_length=24)
    right_key = models.CharField(max_length=24)
    kind = models.CharField(max_length=20, choices=PairKind.choices)
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    reasons = models.JSONField(default=dict)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)

    class Meta:
        ordering = ["-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "left_key", "right_key"], name="linkpair_once_per_run"
            ),
            models.CheckConstraint(
                condition=models.Q(match_probability__gte=0, match_probability__lte=1),
                name="linkpair_probability_range",
            ),
        ]


class ClusterMember(BaseModel):
    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="members")
    cluster_key = models.CharField(max_length=24, db_index=True)
    node_key = models.CharField(max_length=24)
    source = models.CharField(max_length=60)
    source_record_id = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "node_key"], name="cluster_member_once")
        ]


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    CONFIRMED = "confirmed", "Same person"
    REJECTED = "rejected", "Different people"


class ReviewPair(BaseModel):
    """A pair in the uncertain band, waiting for (or holding) an analyst's decision. Decisions
    outlive runs: a rejected pair never links, a confirmed pair always does."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    left_key = models.CharField(max_length=24)
    right_key = models.CharField(max_length=24)
    kind = models.CharField(max_length=20, choices=PairKind.choices)
    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    match_probability = models.FloatField()
    reasons = models.JSONField(default=dict)
    last_run = models.ForeignKey(LinkRun, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "left_key", "right_key"], name="reviewpair_once"
            ),
            models.CheckConstraint(
                condition=models.Q(left_key__lt=models.F("right_key")),
                name="reviewpair_keys_ordered",
            ),
        ]
        indexes = [models.Index(fields=["program", "status"], name="reviewpair_queue_idx")]

    def __str__(self) -> str:
        return f"Review {self.left_key} / {self.right_key} ({self.status})"


class ReviewDecision(models.Model):
    """The history of a review pair's status (written by ``audit.pipeline.transition``)."""

    subject = models.ForeignKey(ReviewPair, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    reason = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"
