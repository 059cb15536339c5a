"""Workflows of actions."""

from django.db import transaction

from assessments.models import Action, Assessment, QuestionAnswer


@transaction.atomic
def create_actions(*, assessment: Assessment) -> list[Action]:
    """Make an action of every domain answer of the assessment with a next step that has none
    yet, with the answer's owner and target date (run when the assessment is completed).
    Idempotent: an answer's existing action, and its history, are kept."""
    answers = (
        QuestionAnswer.objects.filter(assessment=assessment, action__isnull=True)
        .exclude(next_steps="")
        .order_by("pk")
    )
    actions = [
        Action(
            organisation_id=assessment.organisation_id,
            assessment=assessment,
            answer=answer,
            owner_name=answer.action_owner,
            target_date=answer.target_date,
        )
        for answer in answers
        if answer.next_steps.strip()
    ]
    return Action.objects.bulk_create(actions)
