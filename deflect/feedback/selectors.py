"""Reads for participant feedback: the responses and their summary, aggregated in SQL."""

from __future__ import annotations

from django.db.models import Avg, Count, Q

from deflect.programs.models import Program

from .models import FeedbackResponse, Timely, Treatment


def feedback_summary(program: Program) -> dict:
    responses = FeedbackResponse.objects.filter(program=program)
    figures = responses.aggregate(
        total=Count("pk"),
        average=Avg("treated"),
        timely_yes=Count("pk", filter=Q(timely=Timely.YES)),
        timely_partly=Count("pk", filter=Q(timely=Timely.PARTLY)),
        timely_no=Count("pk", filter=Q(timely=Timely.NO)),
        spanish=Count("pk", filter=Q(language="es")),
        with_comment=Count("pk", filter=~Q(would_have_helped="")),
    )
    treated = dict(
        responses.values("treated").annotate(n=Count("pk")).order_by().values_list("treated", "n")
    )
    figures["treated"] = [(label, treated.get(value, 0)) for value, label in Treatment.choices]
    total = figures["total"]
    figures["timely_share"] = round(100 * figures["timely_yes"] / total) if total else None
    figures["average"] = round(figures["average"], 1) if figures["average"] is not None else None
    return figures


def feedback_list(program: Program, limit: int = 200) -> list[FeedbackResponse]:
    return list(FeedbackResponse.objects.filter(program=program)[:limit])
