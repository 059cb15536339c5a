import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from framework.models import (
    Audience,
    ChecklistStatement,
    Definition,
    Domain,
    Edition,
    Factor,
    Feature,
    MemberOrganisation,
    Question,
    RatingGuidance,
    Resource,
    Stage,
    Step,
)

pytestmark = pytest.mark.django_db

# Every framework model with text that its list and its change form show for the test edition.
MODEL_TEXTS = [
    (Edition, "Digital Resilience Framework"),
    (Stage, "Understand"),
    (Audience, "Parents"),
    (Step, "Reflect"),
    (Definition, "Digital resilience"),
    (Feature, "A sense of agency"),
    (Domain, "Connectivity"),
    (Question, "How do you understand risks to connectivity?"),
    (ChecklistStatement, "Our online safety policy is reviewed."),
    (Factor, "Age and development"),
    (MemberOrganisation, "Childnet"),
    (Resource, "Guide for parents"),
]
NOTICE = "This edition is published and in use by saved assessments. Duplicate it to make changes."
SAVE_BUTTON = 'name="_save"'
PUBLISH_LINK = 'class="publish">Publish</a>'


def admin_url(model: type[models.Model], action: str, *args) -> str:
    return reverse(f"admin:framework_{model._meta.model_name}_{action}", args=args)


def first_row(model: type[models.Model], edition: Edition) -> models.Model:
    if model is Edition:
        return edition
    lookup = {Question: "domain__edition", Resource: "member__edition"}.get(model, "edition")
    return model.objects.filter(**{lookup: edition}).earliest("pk")


def question_data(question: Question, **changes) -> dict:
    data = {
        "domain": question.domain_id,
        "stage": question.stage_id,
        "text": question.text,
        "key": question.key,
        "position": question.position,
    }
    return data | changes


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def change_form_data(response) -> dict:
    """What a browser posts back from an admin change form left as it is: every field's value,
    and every inline's management form."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    return data


@pytest.mark.parametrize(("model", "text"), MODEL_TEXTS)
def test_changelist_lists_the_edition_content(admin_client, complete_edition, model, text):
    response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.parametrize(("model", "text"), MODEL_TEXTS)
def test_change_form_of_a_draft_is_editable(admin_client, complete_edition, model, text):
    row = first_row(model, complete_edition)

    response = admin_client.get(admin_url(model, "change", row.pk))

    content = response.content.decode()
    assert response.status_code == 200
    assert text in content
    assert SAVE_BUTTON in content


@pytest.mark.parametrize(("model", "text"), MODEL_TEXTS)
def test_change_form_of_a_published_edition_is_read_only(
    admin_client, published_edition, model, text
):
    row = first_row(model, published_edition)

    response = admin_client.get(admin_url(model, "change", row.pk))

    content = response.content.decode()
    assert response.status_code == 200
    assert text in content
    assert SAVE_BUTTON not in content
    assert "Delete" not in content


def test_edition_change_form_published_shows_notice(admin_client, published_edition):
    response = admin_client.get(admin_url(Edition, "change", published_edition.pk))

    content = response.content.decode()
    assert NOTICE in " ".join(content.split())
    assert "Duplicate as new draft" in content
    assert PUBLISH_LINK not in content
    # Its stages and rating guidance are listed but offer no inputs to change them.
    assert "Understand" in content
    assert 'name="stages-0-name"' not in content
    assert "Little helps people understand risk." in content
    assert 'name="rating_guidance-0-descriptor"' not in content


def test_content_change_form_published_says_why_it_is_read_only(admin_client, published_edition):
    question = Question.objects.get(domain__edition=published_edition, key="connectivity-know")

    response = admin_client.get(admin_url(Question, "change", question.pk))

    assert any("cannot be changed" in message for message in messages_of(response))


def test_edition_change_form_draft_lists_what_blocks_publishing(admin_client, make_edition):
    draft = make_edition(stages=["Understand", "Know", "Learn"])

    response = admin_client.get(admin_url(Edition, "change", draft.pk))

    content = response.content.decode()
    assert "This draft cannot be published yet." in content
    assert "Connectivity has no question for the Recover stage." in content
    assert PUBLISH_LINK in content
    assert f'href="{admin_url(Edition, "publish", draft.pk)}"' in content
    assert 'name="stages-0-name"' in content


def test_question_change_published_is_refused(admin_client, published_edition):
    question = Question.objects.get(domain__edition=published_edition, key="connectivity-know")

    response = admin_client.post(
        admin_url(Question, "change", question.pk), question_data(question, text="Reworded?")
    )

    assert response.status_code == 403
    question.refresh_from_db()
    assert question.text == "How do you know risks to connectivity?"


def test_question_change_draft_is_saved(admin_client, complete_edition):
    question = Question.objects.get(domain__edition=complete_edition, key="connectivity-know")

    response = admin_client.post(
        admin_url(Question, "change", question.pk), question_data(question, text="Reworded?")
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "Reworded?"
    assert question.key == "connectivity-know"


def test_question_change_stage_of_another_edition_is_rejected(
    admin_client, complete_edition, make_edition
):
    question = Question.objects.get(domain__edition=complete_edition, key="connectivity-know")
    foreign_stage = make_edition().stages.get(key="learn")

    response = admin_client.post(
        admin_url(Question, "change", question.pk),
        question_data(question, stage=foreign_stage.pk),
    )

    assert response.status_code == 200
    assert "stage" in response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.stage.edition == complete_edition


def test_domain_question_inline_offers_only_the_edition_stages(
    admin_client, complete_edition, make_edition
):
    other = make_edition()
    domain = complete_edition.domains.get()

    response = admin_client.get(admin_url(Domain, "change", domain.pk))

    formset = response.context["inline_admin_formsets"][0].formset
    offered = set(formset.forms[0].fields["stage"].queryset)
    assert offered == set(complete_edition.stages.all())
    assert not offered & set(other.stages.all())


def test_resource_add_tag_of_another_edition_is_rejected(
    admin_client, complete_edition, make_edition
):
    member = complete_edition.members.get()
    foreign_stage = make_edition().stages.get(key="know")

    response = admin_client.post(
        admin_url(Resource, "add"),
        {
            "member": member.pk,
            "title": "Online safety hub",
            "url": "https://example.org/hub",
            "description": "Help.",
            "stages": [foreign_stage.pk],
            "key": "hub",
            "position": 1,
        },
    )

    assert response.status_code == 200
    assert "stages" in response.context["adminform"].form.errors
    assert not Resource.objects.filter(key="hub").exists()


def test_edition_delete_published_is_refused(admin_client, published_edition):
    response = admin_client.post(
        admin_url(Edition, "delete", published_edition.pk), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Edition.objects.filter(pk=published_edition.pk).exists()


def test_duplicate_action_creates_a_draft_copy(admin_client, published_edition):
    response = admin_client.post(
        admin_url(Edition, "changelist"),
        {"action": "duplicate", "_selected_action": [published_edition.pk]},
        follow=True,
    )

    draft = Edition.objects.get(based_on=published_edition)
    assert draft.status == Edition.Status.DRAFT
    assert list(draft.stages.values_list("name", flat=True)) == [
        "Understand",
        "Know",
        "Learn",
        "Recover",
    ]
    assert Question.objects.filter(domain__edition=draft).count() == 4
    assert admin_url(Edition, "change", draft.pk) in response.content.decode()


def test_duplicate_button_redirects_to_the_new_draft(admin_client, published_edition):
    response = admin_client.post(admin_url(Edition, "duplicate", published_edition.pk))

    draft = Edition.objects.get(based_on=published_edition)
    assert response.status_code == 302
    assert response.url == admin_url(Edition, "change", draft.pk)


def test_duplicate_button_get_is_not_allowed(admin_client, published_edition):
    response = admin_client.get(admin_url(Edition, "duplicate", published_edition.pk))

    assert response.status_code == 405
    assert not Edition.objects.filter(based_on=published_edition).exists()


def test_publish_action_goes_to_the_confirmation_page(admin_client, complete_edition):
    response = admin_client.post(
        admin_url(Edition, "changelist"),
        {"action": "publish", "_selected_action": [complete_edition.pk]},
    )

    assert response.status_code == 302
    assert response.url == admin_url(Edition, "publish", complete_edition.pk)
    complete_edition.refresh_from_db()
    assert complete_edition.status == Edition.Status.DRAFT  # not until it is confirmed


def test_publish_action_published_edition_is_refused(admin_client, published_edition):
    response = admin_client.post(
        admin_url(Edition, "changelist"),
        {"action": "publish", "_selected_action": [published_edition.pk]},
        follow=True,
    )

    assert any("only a draft can be published" in message for message in messages_of(response))
    published_edition.refresh_from_db()
    assert published_edition.status == Edition.Status.PUBLISHED


def test_publish_action_of_two_editions_is_refused(admin_client, complete_edition, make_edition):
    other = make_edition()

    response = admin_client.post(
        admin_url(Edition, "changelist"),
        {"action": "publish", "_selected_action": [complete_edition.pk, other.pk]},
        follow=True,
    )

    assert "Select exactly one draft to publish." in messages_of(response)
    assert not Edition.objects.filter(pk__in=[complete_edition.pk, other.pk]).published().exists()


def test_publish_page_asks_to_confirm_with_the_key_and_version(
    admin_client, published_edition, complete_edition
):
    response = admin_client.get(admin_url(Edition, "publish", complete_edition.pk))

    content = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "<h1>Publish this edition?</h1>" in content
    assert f"<h2>{complete_edition}</h2>" in content
    assert f"“{published_edition}” is archived" in content
    assert f'name="key" value="{complete_edition.key}"' in content
    assert 'name="version" value="2.0"' in content
    assert 'value="Yes, publish it"' in content
    assert f'href="{admin_url(Edition, "change", complete_edition.pk)}"' in content
    complete_edition.refresh_from_db()
    assert complete_edition.status == Edition.Status.DRAFT


def test_publish_page_incomplete_draft_lists_what_is_missing_and_offers_no_button(
    admin_client, make_edition
):
    draft = make_edition(stages=["Understand", "Know", "Learn"])

    response = admin_client.get(admin_url(Edition, "publish", draft.pk))

    content = response.content.decode()
    assert "This draft cannot be published yet." in content
    assert "Connectivity has no question for the Recover stage." in content
    assert "Yes, publish it" not in content


def test_publish_page_incomplete_draft_post_is_refused_with_what_is_missing(
    admin_client, make_edition
):
    draft = make_edition(stages=["Understand", "Know", "Learn"])

    response = admin_client.post(
        admin_url(Edition, "publish", draft.pk), {"key": "drf-2027", "version": "2027"}
    )

    shown = messages_of(response)
    assert response.status_code == 200
    assert any("was NOT published" in message for message in shown)
    assert "Connectivity has no question for the Recover stage." in shown
    draft.refresh_from_db()
    assert (draft.status, draft.key) != (Edition.Status.PUBLISHED, "drf-2027")
    assert draft.status == Edition.Status.DRAFT


def test_publish_page_publishes_under_the_key_and_version_given(
    admin_client, published_edition, complete_edition
):
    response = admin_client.post(
        admin_url(Edition, "publish", complete_edition.pk),
        {"key": "ukcis-drf-2027", "version": "2027 review"},
        follow=True,
    )

    assert response.redirect_chain == [(admin_url(Edition, "change", complete_edition.pk), 302)]
    assert any("is published" in message for message in messages_of(response))
    complete_edition.refresh_from_db()
    published_edition.refresh_from_db()
    assert (complete_edition.key, complete_edition.version) == ("ukcis-drf-2027", "2027 review")
    assert complete_edition.status == Edition.Status.PUBLISHED
    assert published_edition.status == Edition.Status.ARCHIVED
    assert Edition.objects.current() == complete_edition


def test_publish_page_refuses_a_key_another_edition_has_and_keeps_what_was_typed(
    admin_client, published_edition, complete_edition
):
    response = admin_client.post(
        admin_url(Edition, "publish", complete_edition.pk),
        {"key": published_edition.key, "version": "2027 review"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert f"An edition with the key “{published_edition.key}” already exists." in content
    assert f'name="key" value="{published_edition.key}"' in content
    assert 'name="version" value="2027 review"' in content
    assert 'aria-invalid="true"' in content
    stored = Edition.objects.get(pk=complete_edition.pk)
    assert (stored.key, stored.version, stored.status) == (
        complete_edition.key,
        "2.0",
        Edition.Status.DRAFT,
    )


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ({"key": "", "version": "2.0"}, "Enter a key"),
        ({"key": "Not a key!", "version": "2.0"}, "The key can only contain lowercase letters"),
        ({"key": "drf-2027", "version": " "}, "Enter a version label"),
    ],
)
def test_publish_page_refuses_a_missing_or_malformed_key_or_version(
    admin_client, complete_edition, typed, error
):
    response = admin_client.post(admin_url(Edition, "publish", complete_edition.pk), typed)

    assert response.status_code == 200
    assert error in response.content.decode()
    complete_edition.refresh_from_db()
    assert complete_edition.status == Edition.Status.DRAFT


@pytest.mark.parametrize("method", ["get", "post"])
def test_publish_page_of_a_published_edition_is_refused(admin_client, published_edition, method):
    response = getattr(admin_client, method)(admin_url(Edition, "publish", published_edition.pk))

    assert response.status_code == 403


# --- Rating guidance on the edition's page --------------------------------------------------


def test_edition_change_form_draft_edits_rating_guidance_inline(admin_client, complete_edition):
    response = admin_client.get(admin_url(Edition, "change", complete_edition.pk))

    content = response.content.decode()
    assert "not part of the UKCIS framework" in content
    assert 'name="rating_guidance-0-descriptor"' in content
    assert "The checklist (no stage)" in content
    # Each input of a tabular inline has its own accessible name: its column and row.
    assert 'aria-label="Descriptor, row 1"' in content
    assert 'aria-label="Example for a charity, row 2"' in content
    assert 'aria-label="Name, row 1"' in content
    assert 'aria-label="Delete, row 1"' in content


def test_edition_change_form_draft_saves_changed_rating_guidance(admin_client, complete_edition):
    url = admin_url(Edition, "change", complete_edition.pk)
    data = change_form_data(admin_client.get(url))
    data["rating_guidance-0-descriptor"] = "Reworded descriptor."

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert complete_edition.rating_guidance.get(stage__key="understand").descriptor == (
        "Reworded descriptor."
    )


def test_edition_change_form_refuses_two_rows_of_guidance_for_one_stage_and_rating(
    admin_client, complete_edition
):
    url = admin_url(Edition, "change", complete_edition.pk)
    data = change_form_data(admin_client.get(url))
    understand = complete_edition.stages.get(key="understand")
    data |= {
        "rating_guidance-TOTAL_FORMS": "3",
        "rating_guidance-2-stage": str(understand.pk),
        "rating_guidance-2-rating": "1",
        "rating_guidance-2-descriptor": "Again.",
        "rating_guidance-2-school_example": "A school.",
        "rating_guidance-2-charity_example": "A charity.",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "There are two rows of guidance for Poorly in Understand: keep one." in (
        response.content.decode()
    )
    assert complete_edition.rating_guidance.count() == 2


def test_edition_change_form_queries_do_not_grow_with_rating_guidance(
    admin_client, complete_edition, django_assert_num_queries
):
    url = admin_url(Edition, "change", complete_edition.pk)
    admin_client.get(url)  # the session's first read is not counted
    with CaptureQueriesContext(connection) as two_rows:
        admin_client.get(url)
    for stage in complete_edition.stages.all():
        RatingGuidance.objects.create(
            edition=complete_edition,
            stage=stage,
            rating=RatingGuidance.Rating.WELL,
            descriptor="Well.",
            school_example="A school.",
            charity_example="A charity.",
        )

    with django_assert_num_queries(len(two_rows)):
        response = admin_client.get(url)

    assert len(response.context["inline_admin_formsets"][-2].formset.forms) == 6


@pytest.mark.parametrize("model", [Question, Resource, Domain])
def test_changelist_queries_do_not_grow_with_editions(
    admin_client, make_edition, django_assert_num_queries, model
):
    url = admin_url(model, "changelist")
    framework_rows = admin_client.get(url).context["cl"].result_count  # the session's framework
    make_edition()
    with CaptureQueriesContext(connection) as one_edition:
        rows_of_one = admin_client.get(url).context["cl"].result_count - framework_rows
    make_edition()
    make_edition(status=Edition.Status.PUBLISHED)

    with django_assert_num_queries(len(one_edition)):
        response = admin_client.get(url)

    assert response.context["cl"].result_count == framework_rows + 3 * rows_of_one


@pytest.mark.parametrize(("model", "text"), MODEL_TEXTS)
def test_add_form_renders(admin_client, complete_edition, model, text):
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == 200
    assert SAVE_BUTTON in response.content.decode()


def test_question_add_form_offers_only_draft_content(
    admin_client, complete_edition, published_edition
):
    response = admin_client.get(admin_url(Question, "add"))

    form = response.context["adminform"].form
    assert set(form.fields["stage"].queryset) == set(complete_edition.stages.all())
    assert set(form.fields["domain"].queryset) == set(complete_edition.domains.all())
    assert f"Understand ({complete_edition})" in response.content.decode()
