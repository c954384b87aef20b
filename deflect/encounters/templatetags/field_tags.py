"""Small form helpers for the hand-built phone form: current value, errors and choice groups
for dotted field names (``overdose.overdose_at``), which templates cannot look up directly."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

LABELS = "_field_labels"  # {name: (label, id)} of the fields rendered so far, in order


def _remember(context, name: str, label: str, id: str) -> None:
    labels = context.get(LABELS)
    if labels is not None:
        labels.setdefault(name, (label, id))


def _said(key: str, labels: dict) -> str:
    """A field's label, or its last name part in words when it has no field on the form."""
    if key in labels:
        return labels[key][0]
    return key.rsplit(".", 1)[-1].removesuffix("_id").replace("_", " ").capitalize()


def _id(name: str, suffix: str = "") -> str:
    base = "f-" + name.replace(".", "-").replace("_", "-")
    return f"{base}-{suffix}" if suffix else base


@register.inclusion_tag("encounters/_field.html", takes_context=True)
def field(context, name, label, type="text", required=False, hint="", **attrs):
    values = context.get("values", {})
    _remember(context, name, label, _id(name))
    return {
        "name": name,
        "label": label,
        "type": type,
        "required": required,
        "hint": hint,
        "id": _id(name),
        "value": values.get(name, attrs.pop("default", "")),
        "errors": context.get("errors", {}).get(name, []),
        "attrs": attrs,
    }


@register.inclusion_tag("encounters/_choices.html", takes_context=True)
def choices(context, name, label, options, multiple=False, required=False, default="", widget=""):
    values = context.get("values", {})
    lists = context.get("values_lists", {})
    selected = set(lists.get(name, [])) if multiple else {values.get(name, default)}
    _remember(context, name, label, _id(name))
    widget = widget or ("checkbox" if multiple else "radio")
    return {
        "name": name,
        "label": label,
        "required": required,
        "widget": widget,
        "id": _id(name),
        "options": [
            {
                "value": value,
                "label": text,
                "id": _id(name, str(value)),
                "checked": str(value) in {str(s) for s in selected},
            }
            for value, text in options
        ],
        "errors": context.get("errors", {}).get(name, []),
    }


@register.simple_tag(takes_context=True)
def errors_for(context, prefix):
    """Errors for a whole section (its own key and any nested key)."""
    found = []
    for key, messages in context.get("errors", {}).items():
        if key == prefix or key.startswith(prefix + "."):
            labels = context.get(LABELS) or {}
            found.extend(
                messages if key == prefix else [f"{_said(key, labels)}: {m}" for m in messages]
            )
    return found


class _FormWithSummary(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        labels: dict = {}
        with context.push(**{LABELS: labels}):
            html = self.nodelist.render(context)
        context[self.name] = mark_safe(html)  # noqa: S308 - the template's own rendered output
        context["error_links"] = [
            {
                "label": _said(key, labels) if key != "__all__" else "",
                "id": labels[key][1] if key in labels else "",
                "message": message,
            }
            for key, messages in context.get("errors", {}).items()
            for message in messages
        ]
        return ""


@register.tag
def form_with_summary(parser, token):
    """``{% form_with_summary as form_html %}<form>…</form>{% endform_with_summary %}``: renders
    the form first, remembering each field's label and id, so that the error summary shown above
    it (``error_links``: label, id, message) names each field by its label and links to it."""
    name = token.split_contents()[-1]
    nodelist = parser.parse(("endform_with_summary",))
    parser.delete_first_token()
    return _FormWithSummary(nodelist, name)


@register.inclusion_tag("encounters/_checkbox.html", takes_context=True)
def checkbox(context, name, label, hint=""):
    values = context.get("values", {})
    _remember(context, name, label, _id(name))
    return {
        "name": name,
        "label": label,
        "hint": hint,
        "id": _id(name),
        "checked": values.get(name) in {"on", "true", True},
        "errors": context.get("errors", {}).get(name, []),
    }


@register.filter
def join_if_list(value):
    if isinstance(value, list | tuple):
        return ", ".join(str(v).replace("_", " ") for v in value) or "—"
    return str(value).replace("_", " ") if isinstance(value, str) else value
