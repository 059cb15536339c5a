"""The report as a PDF, read back with pypdf: pages, contents, running text, hostile answers,
the download's headers, and the stored files: kept for a state of the report, thrown away when
the state changes, the assessment is reopened or deleted."""

import io
import logging
import re
import socket

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments.models import Assessment, Organisation, PdfRender
from assessments.reporting import pdf, tasks
from assessments.reporting.report import build_report
from assessments.walkthrough import services
from tests.assessments.factories import fill
from tests.assessments.reporting.pdfs import DRAFT, download, pages_of, stored_files, stored_path

HOSTILE = "<script>alert(1)</script> Ŵŵ Ŷŷ 😀🎉"
CONTENTS_LINE = re.compile(r"^(?P<title>\S.*?)\s*\.{3,}\s*(?P<page>\d+)$")


def render(assessment: Assessment) -> list[str]:
    return pages_of(pdf.render_report_pdf(build_report(assessment)))


def test_pdf_numbers_every_page_of_the_whole(completed):
    pages = render(completed)

    # Cover with contents, summary and context, findings, action plan, support: five at least.
    assert len(pages) >= 5
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text


def test_pdf_contents_page_numbers_match_where_sections_start(completed):
    content = pdf.render_report_pdf(build_report(completed))
    pages = pages_of(content)
    contents = PdfReader(io.BytesIO(content)).pages[0].extract_text()  # on the cover
    entries = [
        (match["title"], int(match["page"]))
        for line in contents.splitlines()
        if (match := CONTENTS_LINE.match(line.strip()))
    ]

    assert [title for title, _ in entries] == [
        "Executive summary",
        "Context",
        "Self-assessment checklist",
        "Environment domain",
        "Content domain",
        "Action plan",
        "Signposted support",
        "Appendix: UKCIS member organisations",
        "About this report",
    ]
    for title, number in entries:
        # The first page after the cover that has the heading is the one the contents name.
        first = next(n for n, text in enumerate(pages[1:], start=2) if title in text)
        assert first == number, f"{title!r} starts on page {first}, not {number}"


def test_pdf_says_who_and_what_with_every_statement_rating_action_and_resource(completed):
    report = build_report(completed)
    text = " ".join(pages_of(pdf.render_report_pdf(report)))

    assert "Hillside Academy" in text
    assert "Spring review" in text
    unspaced = "".join(text.split())  # a statement may wrap at any line
    for answer in report.checklist:
        # Each statement reads with its rating right after it.
        statement = "".join(answer.statement.text.split())
        assert f"{statement}{answer.get_rating_display()}" in unspaced, answer.statement.key
    assert "Write a staff briefing on reporting routes." in text
    resource = report.signposting[0].resources[0]
    assert resource.title in text
    assert resource.url in text
    assert DRAFT not in text


def test_pdf_links_to_resources(completed):
    report = build_report(completed)
    reader = PdfReader(io.BytesIO(pdf.render_report_pdf(report)))

    uris = {
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    }

    assert {resource.url for resource in report.signposting[0].resources} <= uris


def test_pdf_embeds_its_fonts(completed):
    reader = PdfReader(io.BytesIO(pdf.render_report_pdf(build_report(completed))))

    fonts = {
        font.get_object()["/BaseFont"]: font.get_object()
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }

    assert any("DejaVu-Sans" in name for name in fonts)
    for font in fonts.values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


def test_pdf_keeps_hostile_answers_as_text_without_breaking_the_layout(assessment, owner):
    fill(assessment, current_practice=HOSTILE)
    answers = list(assessment.question_answers.order_by("pk")[:2])
    answers[0].current_practice = ("Mae'r plant yn dysgu am ddiogelwch ar-lein ŵŷ 😀 " * 400)[
        :20000
    ]
    answers[0].next_steps = "ŵ" + "a" * 19999  # one unbroken 20,000-character "word"
    answers[0].action_owner = "Ŵ" * 200
    answers[1].next_steps = HOSTILE
    for answer in answers:
        answer.save()
    assessment.checklist_answers.update(comment=HOSTILE)
    assessment.organisation.name = "Ysgol Gymraeg Bro Ŵy a Chwm Tŷ 🏫 " + "Llanfair" * 20
    assessment.organisation.save()
    assessment = services.complete_assessment(assessment=assessment, user=owner)

    pages = render(assessment)

    text = " ".join(pages)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    assert "<script>alert(1)</script>" in text
    assert "Ŵŵ Ŷŷ" in text
    assert "Ysgol Gymraeg Bro Ŵy a Chwm Tŷ" in text
    unspaced = "".join(text.split())  # a statement may wrap at any line
    for answer in assessment.checklist_answers.select_related("statement"):
        assert "".join(answer.statement.text.split()) in unspaced


def test_pdf_fetches_no_url(completed, monkeypatch, caplog):
    """Even markup pointing at the server or the network loads nothing."""
    connections = []
    monkeypatch.setattr(socket.socket, "connect", lambda *args: connections.append(args))
    original = pdf.render_to_string

    def with_links(template, context):
        html = original(template, context)
        return html.replace(
            "</head>",
            '<link rel="stylesheet" href="http://127.0.0.1:8000/static/css/site.css"></head>',
        ).replace("<body", '<body style="background: url(/static/x.png)"', 1) + (
            '<img src="http://testserver/orgs/">'
        )

    monkeypatch.setattr(pdf, "render_to_string", with_links)

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        content = pdf.render_report_pdf(build_report(completed))

    assert content.startswith(b"%PDF")
    assert connections == []
    assert "refused" in caplog.text


def test_pdf_download_headers(client, viewer, completed):
    response, content = download(client, viewer, completed)

    assert response["Content-Type"] == "application/pdf"
    day = timezone.localdate(completed.completed_at).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="hillside-academy-spring-review-{day}.pdf"'
    )
    assert int(response["Content-Length"]) == len(content)
    assert content.startswith(b"%PDF")


def test_pdf_filename_of_a_draft_has_todays_date(assessment):
    today = timezone.localdate().isoformat()

    assert pdf.pdf_filename(assessment) == f"hillside-academy-spring-review-{today}.pdf"


def test_pdf_of_a_completed_assessment_is_stored_and_served_again(
    client, viewer, completed, monkeypatch
):
    _, first = download(client, viewer, completed)
    assert stored_path(completed).read_bytes() == first

    def render_again(report):
        raise AssertionError("The stored PDF should be served, not rendered again.")

    monkeypatch.setattr(tasks, "render_report_pdf_limited", render_again)
    _, second = download(client, viewer, completed)

    assert second == first


def test_reopening_throws_the_stored_pdf_away(
    client, owner, completed, settings, django_capture_on_commit_callbacks
):
    download(client, owner, completed)
    stored = stored_path(completed)

    with django_capture_on_commit_callbacks(execute=True):
        reopened = services.reopen_assessment(assessment=completed, user=owner)

    assert not stored.exists()
    assert not PdfRender.objects.filter(assessment=completed).exists()
    _, content = download(client, owner, reopened)
    assert DRAFT in pages_of(content)[0]
    assert stored_files(settings.MEDIA_ROOT) == [stored_path(reopened)]


def test_completing_again_never_serves_the_old_pdf(client, owner, completed, settings):
    download(client, owner, completed)
    old_file = stored_path(completed)
    services.reopen_assessment(assessment=completed, user=owner)
    old_file.write_bytes(b"%PDF-old")  # e.g. written by a render that ended after the reopening
    again = services.complete_assessment(assessment=completed, user=owner)

    _, content = download(client, owner, again)

    assert content != b"%PDF-old"
    assert stored_path(again) != old_file


def test_deleting_throws_the_stored_pdf_away(
    client, owner, completed, django_capture_on_commit_callbacks
):
    download(client, owner, completed)
    stored = stored_path(completed)

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_assessment(assessment=completed)

    assert not stored.exists()


@pytest.mark.parametrize("action", ["reopen", "delete"])
def test_a_rolled_back_reopen_or_delete_keeps_the_stored_pdf(
    client, owner, completed, action, django_capture_on_commit_callbacks
):
    download(client, owner, completed)
    stored = stored_path(completed)
    pk = completed.pk

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        if action == "reopen":
            services.reopen_assessment(assessment=completed, user=owner)
        else:
            services.delete_assessment(assessment=completed)
        raise RuntimeError("something later in the same transaction failed")

    assert callbacks == []
    assert stored.exists()
    assessment = Assessment.objects.get(pk=pk)
    assert assessment.is_locked
    assert stored_path(assessment) == stored


def test_deleting_an_organisation_in_the_admin_throws_its_pdfs_away(
    client, owner, completed, django_capture_on_commit_callbacks
):
    download(client, owner, completed)
    stored = stored_path(completed)
    admin = User.objects.create_superuser("admin@example.com", "admin@example.com", "pw-12345678")
    client.force_login(admin)
    url = reverse("admin:assessments_organisation_delete", args=[completed.organisation_id])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=completed.organisation_id).exists()
    assert not stored.exists()


def test_deleting_organisations_in_bulk_in_the_admin_throws_their_pdfs_away(
    client, owner, completed, django_capture_on_commit_callbacks
):
    download(client, owner, completed)
    stored = stored_path(completed)
    admin = User.objects.create_superuser("admin@example.com", "admin@example.com", "pw-12345678")
    client.force_login(admin)
    data = {
        "action": "delete_selected",
        "_selected_action": [completed.organisation_id],
        "post": "yes",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:assessments_organisation_changelist"), data)

    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=completed.organisation_id).exists()
    assert not stored.exists()


def test_draft_pdf_says_draft_on_every_page(client, viewer, assessment):
    fill(assessment)
    assessment.question_answers.filter(question__domain__key="content").update(rating=None)

    _, content = download(client, viewer, assessment)

    pages = pages_of(content)
    assert all(DRAFT in page for page in pages)
    assert "Not rated" in " ".join(pages)
    assert "12 of 16 items rated" in " ".join(pages)
    assert "0 of 4 rated" in " ".join(pages)


def test_draft_pdf_is_reused_until_a_section_changes_then_the_old_file_goes(
    client, editor, assessment, settings, monkeypatch, django_capture_on_commit_callbacks
):
    fill(assessment)
    _, first = download(client, editor, assessment)
    old_file = stored_path(assessment)
    rendered = []
    real = tasks.render_report_pdf_limited
    monkeypatch.setattr(
        tasks, "render_report_pdf_limited", lambda report: rendered.append(1) or real(report)
    )

    assert download(client, editor, assessment)[1] == first
    assert rendered == []

    assessment.checklist_answers.update(comment="Changed since the first PDF.")
    section = assessment.sections.get(key="checklist")
    section.version += 1  # what every save of the section does
    section.save()
    with django_capture_on_commit_callbacks(execute=True):
        _, second = download(client, editor, assessment)

    assert rendered == [1]
    assert "Changed since the first PDF." in " ".join(pages_of(second))
    assert not old_file.exists()
    assert stored_files(settings.MEDIA_ROOT) == [stored_path(assessment)]
