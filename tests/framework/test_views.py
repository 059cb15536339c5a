import copy
import html
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from framework.services import load_edition

PAGES = [
    reverse("framework:home"),
    reverse("framework:framework"),
    reverse("framework:domain", args=["environment"]),
    reverse("framework:resources"),
    reverse("framework:about"),
]


def page_text(response) -> str:
    """The body with HTML entities decoded, so framework wording compares verbatim."""
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def paragraphs(text: str) -> list[str]:
    return [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]


def all_questions(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [question for domain in data["domains"] for question in domain["questions"]]


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", PAGES)
def test_page_has_one_h1_and_a_title(client, edition, url):
    text = page_text(client.get(url))
    assert text.count("<h1") == 1
    assert "<title>" in text and "– Digital Resilience</title>" in text


def test_home_shows_definitions_features_and_domains(client, edition, framework_data):
    text = page_text(client.get(reverse("framework:home")))

    for definition in framework_data["definitions"]:
        assert definition["title"] in text
        assert definition["text"] in text
    for feature in framework_data["features"]:
        assert feature["text"] in text
    for domain in framework_data["domains"]:
        assert domain["name"] in text
        assert domain["audience"] in text
        assert f'href="/framework/{domain["key"]}/"' in text
    for step in framework_data["steps"]:
        assert step["title"] in text
    working_group = framework_data["edition"]["working_group"]
    assert working_group["quote"] in text
    for case_study in working_group["case_studies"]:
        assert case_study["title"] in text


def test_home_calls_to_action(client, edition):
    text = page_text(client.get(reverse("framework:home")))

    assert 'href="/accounts/signup/">Start a self-assessment</a>' in text
    assert 'href="/accounts/login/">Log in</a>' in text
    assert 'href="/framework/">Read the framework</a>' in text


def test_home_calls_to_action_when_logged_in(client, edition, django_user_model):
    client.force_login(django_user_model.objects.create_user("ann@example.org"))

    text = page_text(client.get(reverse("framework:home")))

    assert 'href="/orgs/">Go to your self-assessments</a>' in text
    assert "/accounts/signup/" not in text


def test_framework_page_shows_every_question_and_statement(client, edition, framework_data):
    text = page_text(client.get(reverse("framework:framework")))

    for question in all_questions(framework_data):
        assert question["text"] in text
    for statement in framework_data["checklist"]:
        assert statement["text"] in text
    for heading in ["Poorly", "Moderately", "Well"]:
        assert f'<th scope="col" class="text-center">{heading}</th>' in text


def test_framework_page_shows_domains_factors_and_guidance(client, edition, framework_data):
    text = page_text(client.get(reverse("framework:framework")))

    meta = framework_data["edition"]
    assert f"Version {meta['version']}" in text
    for field in ["introduction", "who_is_it_for"]:
        for paragraph in paragraphs(meta[field]):
            assert paragraph in text
    for field in [
        "summary",
        "self_assessment_guidance",
        "factors_guidance",
        "factors_prompt",
        "checklist_guidance",
        "members_guidance",
    ]:
        assert meta[field] in text
    for domain in framework_data["domains"]:
        assert f'id="domain-{domain["key"]}"' in text
        for field in ["name", "audience", "scope", "things_to_consider"]:
            assert domain[field] in text
    for factor in framework_data["factors"]:
        assert factor["name"] in text
    for section in ["self-assessment", "factors", "checklist"]:
        assert f'id="{section}"' in text
        assert f'href="#{section}"' in text
    assert '<nav class="contents' in text and 'aria-label="Contents"' in text
    assert 'href="/resources/"' in text


def test_framework_page_queries_do_not_grow_with_content(client, edition, framework_data):
    url = reverse("framework:framework")
    with_framework = query_count(client, url)

    bigger = copy.deepcopy(framework_data)
    bigger["edition"]["key"] = "ukcis-drf-bigger"
    for domain in bigger["domains"]:
        for stage in bigger["stages"]:
            domain["questions"] += [
                {
                    "key": f"{domain['key']}-{stage['key']}-extra-{number}",
                    "stage": stage["key"],
                    "text": f"Extra {stage['name']} question {number} for {domain['name']}?",
                }
                for number in range(3)
            ]
    load_edition(data=bigger, make_current=True)

    assert query_count(client, url) == with_framework
    assert "Extra Recover question 2 for Policy?" in page_text(client.get(url))


def test_domain_page_shows_its_questions_and_neighbours(client, edition, framework_data):
    domain = framework_data["domains"][1]

    text = page_text(client.get(reverse("framework:domain", args=[domain["key"]])))

    for field in ["name", "audience", "scope", "things_to_consider"]:
        assert domain[field] in text
    for question in domain["questions"]:
        assert question["text"] in text
    assert framework_data["edition"]["factors_prompt"] in text
    assert 'aria-label="Breadcrumb"' in text
    previous, following = framework_data["domains"][0], framework_data["domains"][2]
    assert f'href="/framework/{previous["key"]}/" rel="prev"' in text
    assert f'href="/framework/{following["key"]}/" rel="next"' in text


def test_domain_page_leaves_out_other_domains_questions(client, edition, framework_data):
    text = page_text(client.get(reverse("framework:domain", args=["environment"])))

    for question in framework_data["domains"][1]["questions"]:
        assert question["text"] not in text


def test_domain_page_unknown_key_is_404(client, edition):
    response = client.get(reverse("framework:domain", args=["no-such-domain"]))

    assert response.status_code == 404


def test_resources_page_lists_every_member_and_resource(client, edition, framework_data):
    text = page_text(client.get(reverse("framework:resources")))

    assert framework_data["edition"]["members_guidance"] in text
    for member in framework_data["members"]:
        assert member["name"] in text
        if member["website"]:
            assert f'href="{member["website"]}"' in text
        for resource in member["resources"]:
            assert resource["title"] in text
            assert resource["description"] in text
    assert "resources match" not in text
    assert "Clear filters" not in text


def test_resources_filtered_by_stage_shows_only_matching_members(client, edition, framework_data):
    text = page_text(client.get(reverse("framework:resources"), {"stage": "recover"}))

    recover_count = 0
    for member in framework_data["members"]:
        matching = [r for r in member["resources"] if "recover" in r["stages"]]
        recover_count += len(matching)
        assert (f'id="member-{member["key"]}"' in text) == bool(matching), member["name"]
    assert "The Mix" in text
    assert "Vodafone" not in text
    assert f"{recover_count} resources match your filters." in text
    assert "Clear filters" in text


def test_resources_filtered_by_audience(client, edition, framework_data):
    text = page_text(
        client.get(reverse("framework:resources"), {"audience": "children-young-people"})
    )

    assert "Childline" in text
    assert "Department for Education" not in text  # its resources are for professionals
    assert "NSPCC Learning" not in text


def test_resources_filter_with_no_match_says_so(client, published_edition):
    text = page_text(client.get(reverse("framework:resources"), {"stage": "recover"}))

    assert "0 resources match your filters." in text
    assert "No resources match these filters." in text
    assert "Childnet" not in text


@pytest.mark.parametrize(
    "query", [{"stage": "nonsense"}, {"audience": "<script>"}, {"stage": "recover", "audience": 1}]
)
def test_resources_bad_filter_shows_everything_with_a_message(
    client, edition, framework_data, query
):
    response = client.get(reverse("framework:resources"), query)

    text = page_text(response)
    assert "That filter could not be used, so all resources are shown." in text
    for member in framework_data["members"]:
        assert f'id="member-{member["key"]}"' in text
    assert "<script>" not in response.content.decode()


def test_resources_page_queries_do_not_grow_with_members(client, edition, framework_data):
    url = reverse("framework:resources")
    with_framework = query_count(client, url)

    bigger = copy.deepcopy(framework_data)
    bigger["edition"]["key"] = "ukcis-drf-bigger"
    bigger["members"] += [
        {**copy.deepcopy(member), "key": f"{member['key']}-copy", "name": f"{member['name']} 2"}
        for member in framework_data["members"]
    ]
    load_edition(data=bigger, make_current=True)

    assert query_count(client, url) == with_framework
    assert "The Mix 2" in page_text(client.get(url))


def test_about_page_shows_licence_attribution_and_working_group(client, edition, framework_data):
    text = page_text(client.get(reverse("framework:about")))

    meta = framework_data["edition"]
    assert f'<a href="{meta["licence_url"]}">{meta["licence"]}</a>' in text
    assert f'<a href="{meta["source_url"]}">{meta["source_title"]}</a>' in text
    assert meta["publisher"] in text
    assert meta["attribution"] in text
    assert f"version {meta['version']}" in text
    assert dateformat.format(timezone.localtime(edition.published_at), "j F Y") in text
    for paragraph in paragraphs(meta["about"])[:2]:
        assert paragraph in text
    working_group = meta["working_group"]
    for value in [working_group["name"], working_group["quote"], working_group["url"]]:
        assert value in text
    assert "signposting written for this tool" in text


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_404_without_a_published_edition(client, no_published_edition, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_404_with_a_draft_but_no_published_edition(
    client, no_published_edition, complete_edition, url
):
    assert client.get(url).status_code == 404
