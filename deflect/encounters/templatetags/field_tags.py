"""Small form helpers for the hand-built phone form: current value, errors and choice groups
for dotted field names (``overdose.overdose_at``), which templates cannot look up directly."""

from django import template

register = template.Library()


def _id(name: str, suffix: str = "") -> str:
    base = "f-" + name.replace(".", "-").replace("_", "-")
    return f"{base}-{suffix}" if suffix else base


@register.inclusion_tag("encounters/_field.html", takes_context=True)
def field(context, name, label, type="text", required=False, hint="", **attrs):
    values = context.get("values", {})
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
            found.extend(messages if key == prefix else [f"{key}: {m}" for m in messages])
    return found


@register.inclusion_tag("encounters/_checkbox.html", takes_context=True)
def checkbox(context, name, label, hint=""):
    values = context.get("values", {})
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
