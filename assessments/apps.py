from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        # The walk-through announces completions; reporting queues the PDF. Connected here,
        # as the walk-through may not import reporting.
        from assessments.reporting.tasks import queue_pdf_of_completed
        from assessments.walkthrough.services import assessment_completed
        from drf_site import checks  # noqa: F401 - registers the storage settings check

        assessment_completed.connect(
            queue_pdf_of_completed, dispatch_uid="assessments.reporting.queue_pdf"
        )
