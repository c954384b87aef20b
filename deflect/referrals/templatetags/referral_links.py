"""Links into referrals, follow-up and cases from other apps' pages, shown only to users the
access policy lets use them."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from deflect.access import capabilities as caps
from deflect.access.policy import can

register = template.Library()


@register.simple_tag(takes_context=True)
def encounter_next_steps(context, encounter):
    """'Refer', 'Enroll', 'Follow-ups' links for an encounter's person."""
    user = context["request"].user
    person_id = encounter.person_id
    if person_id is None:
        return ""
    links = []
    if can(user, caps.REFERRAL_CREATE, encounter):
        links.append((f"{reverse('referrals:new')}?encounter={encounter.pk}", "Refer to a service"))
    if can(user, caps.CASE_MANAGE, encounter):
        links.append(
            (
                f"{reverse('cases:new')}?person={person_id}&encounter={encounter.pk}",
                "Enroll in the program",
            )
        )
    if can(user, caps.FOLLOWUP_VIEW, encounter):
        links.append((f"{reverse('followups:queue')}?person={person_id}", "Follow-ups"))
    if not links:
        return ""
    items = format_html_join(" · ", '<a href="{}">{}</a>', links)
    return format_html('<p class="next-steps" data-testid="next-steps">{}</p>', items)


@register.simple_tag(takes_context=True)
def person_next_steps(context, person):
    """Referrals, follow-ups, case, timeline and the accounting of disclosures for a person."""
    user = context["request"].user
    links = []
    if can(user, caps.REFERRAL_CREATE, person):
        links.append((f"{reverse('referrals:new')}?person={person.pk}", "Refer to a service"))
    if can(user, caps.CASE_MANAGE, person):
        links.append((f"{reverse('cases:new')}?person={person.pk}", "Enroll in the program"))
    if can(user, caps.FOLLOWUP_VIEW, person):
        links.append((f"{reverse('followups:queue')}?person={person.pk}", "Follow-ups"))
    if can(user, caps.PERSON_VIEW, person):
        links.append((reverse("cases:person-timeline", args=[person.pk]), "Timeline"))
        links.append(
            (reverse("referrals:disclosures", args=[person.pk]), "Accounting of disclosures")
        )
    if not links:
        return ""
    items = format_html_join(" · ", '<a href="{}">{}</a>', links)
    return format_html('<p class="next-steps" data-testid="person-next-steps">{}</p>', items)
