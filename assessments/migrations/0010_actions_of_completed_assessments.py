"""Every next step of an assessment completed before actions were tracked becomes an action,
not started, with the answer's owner and target date (as completing does from now on)."""

from django.db import migrations


def create_actions(apps, schema_editor):
    Action = apps.get_model("assessments", "Action")
    QuestionAnswer = apps.get_model("assessments", "QuestionAnswer")
    answers = (
        QuestionAnswer.objects.filter(assessment__status="completed", action__isnull=True)
        .exclude(next_steps="")
        .select_related("assessment")
        .order_by("pk")
    )
    batch = []
    for answer in answers.iterator(chunk_size=2000):
        if not answer.next_steps.strip():
            continue
        batch.append(
            Action(
                organisation_id=answer.assessment.organisation_id,
                assessment_id=answer.assessment_id,
                answer_id=answer.pk,
                owner_name=answer.action_owner,
                target_date=answer.target_date,
                created_at=answer.assessment.completed_at,
            )
        )
        if len(batch) >= 2000:
            Action.objects.bulk_create(batch)
            batch = []
    Action.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0009_cycle_of_improvement")]

    operations = [migrations.RunPython(create_actions, migrations.RunPython.noop)]
