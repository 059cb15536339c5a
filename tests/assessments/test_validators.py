import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import Profile
from assessments.validators import safe_local_url, single_line, validate_single_line
from assessments.walkthrough.forms import AssessmentStartForm


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Hillside\r\nAcademy", "a line break"),
        ("Hillside\nAcademy", "a line break"),
        ("Hill\tside", "a tab"),
        ("Invoice \u202egnp.exe", "a text-direction control (U+202E)"),
        ("A\u202aB", "a text-direction control (U+202A)"),
        ("A\u2066B\u2069", "a text-direction control (U+2066)"),
        ("A\u0085B", "a control character (U+0085)"),
        ("A\x00B", "a control character (U+0000)"),
        ("A\x7fB", "a control character (U+007F)"),
    ],
)
def test_single_line_refuses_line_breaks_controls_and_direction_overrides(text, named):
    with pytest.raises(ValidationError) as refused:
        validate_single_line(text)

    assert refused.value.code == "unsafe_characters"
    assert named in refused.value.messages[0]
    assert "names and titles must be plain text on one line" in refused.value.messages[0]


@pytest.mark.parametrize(
    "text", ["Hillside Academy", "École Saint-Jean – Ysgol", "مدرسة النور", ""]
)
def test_single_line_accepts_ordinary_names_in_any_script(text):
    validate_single_line(text)


def test_single_line_text_for_a_subject_turns_controls_into_spaces():
    assert single_line("Hillside\r\n Academy\u202e\x00") == "Hillside Academy"


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("/orgs/demo/", "/orgs/demo/"),
        ("/invitations/abc/?x=1", "/invitations/abc/?x=1"),
        ("foo", None),
        ("", None),
        (None, None),
        ("//evil.example/", None),
        ("/\\evil.example/", None),
        ("https://evil.example/", None),
        ("javascript:alert(1)", None),
        ("/orgs/\r\nSet-Cookie:x", None),
    ],
)
def test_safe_local_url_is_only_ever_a_path_on_this_site(url, safe):
    assert safe_local_url(url) == safe


def test_organisation_name_with_a_line_break_is_refused_with_a_message(client, owner):
    client.force_login(owner)

    response = client.post(
        reverse("assessments:organisation_create"),
        {
            "name": "Hillside\r\nAcademy",
            "kind": "school",
            "nations": ["england"],
            "age_groups": ["11-13"],
            "additional_vulnerabilities": "False",
        },
    )

    assert response.status_code == 200
    assert "Remove a line break: names and titles must be plain text on one line." in (
        response.content.decode()
    )
    assert not owner.memberships.exists()


def test_profile_name_and_job_title_with_direction_controls_are_refused(client, owner):
    client.force_login(owner)

    response = client.post(
        reverse("assessments:profile"),
        {"full_name": "Sam \u202eleT", "job_title": "Head\u2066"},
    )

    html = response.content.decode()
    assert "Remove a text-direction control (U+202E)" in html
    assert "Remove a text-direction control (U+2066)" in html
    assert not Profile.objects.filter(user=owner).exists()


def test_assessment_title_with_a_line_break_is_refused(organisation, edition):
    form = AssessmentStartForm(
        data={"title": "Spring\nreview", "domains": [edition.domains.first().pk]},
        edition=edition,
        organisation=organisation,
    )

    assert not form.is_valid()
    assert form.errors["title"] == [
        "Remove a line break: names and titles must be plain text on one line."
    ]
