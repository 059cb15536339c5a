"""Template helpers of the walk-through's section pages."""

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("assessments/_rating_guidance.html")
def rating_guidance_for(guidance: Any, stage_key: str | None, context: str = "") -> dict:
    """What Poorly, Moderately and Well mean for a stage (`stage_key`), or for the checklist
    (None), from the view's `rating_guidance` (walkthrough.queries.rating_guidance). Shows
    nothing where there is none, including when the view passes no guidance at all. `context`
    tells screen reader users which question the disclosure belongs to."""
    levels = guidance.get(stage_key, []) if isinstance(guidance, dict) else []
    return {"levels": levels, "context": context}
