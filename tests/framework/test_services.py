import copy
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from framework.models import (
    ChecklistStatement,
    Domain,
    Edition,
    EditionLocked,
    Factor,
    MemberOrganisation,
    Question,
    RatingGuidance,
    Resource,
    Stage,
)
from framework.services import (
    DEFAULT_DATA_FILE,
    dump_data_file,
    duplicate_edition,
    edition_problems,
    export_edition,
    load_edition,
    publish_edition,
    read_data_file,
)

pytestmark = pytest.mark.django_db


def exported_elsewhere(edition: Edition, path: Path, **meta: Any) -> Path:
    """`export_framework` of the edition, as another installation would write it: under another
    key (the same key would be skipped as already loaded), with `meta` changed."""
    call_command("export_framework", edition=edition.key, output=str(path))
    data = read_data_file(path)
    data["edition"] |= {"key": "elsewhere", **meta}
    path.write_text(dump_data_file(data), encoding="utf-8")
    return path


def releases() -> list[tuple[str, str, Any]]:
    return list(Edition.objects.order_by("key").values_list("key", "status", "published_at"))


def under_another_key(data: dict[str, Any], key: str = "elsewhere") -> dict[str, Any]:
    """`data` as another edition: the session has loaded the framework's own key already, and
    loading a key that is there changes nothing."""
    return data | {"edition": data["edition"] | {"key": key}}


def load_query_count(data: dict[str, Any]) -> int:
    """Queries taken by loading `data` (under a new key) into this database, which is left as it
    was."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            _, created = load_edition(data=under_another_key(data))
        transaction.set_rollback(True)
    assert created
    return len(queries)


def test_load_framework_creates_the_whole_framework(edition):
    assert edition.status == Edition.Status.PUBLISHED
    assert Edition.objects.current() == edition
    assert list(edition.domains.values_list("name", flat=True)) == [
        "Environment",
        "Content",
        "Service",
        "Policy",
    ]
    assert list(edition.stages.values_list("name", flat=True)) == [
        "Understand",
        "Know",
        "Learn",
        "Recover",
    ]
    assert Question.objects.filter(domain__edition=edition).count() == 16
    assert edition.checklist_statements.count() == 8
    assert edition.factors.filter(kind=Factor.Kind.INTERNAL).count() == 5
    assert edition.factors.filter(kind=Factor.Kind.EXTERNAL).count() == 2
    assert edition.features.count() == 4
    assert edition.members.count() == 24
    assert all(member.resources.exists() for member in edition.members.all())


def test_load_framework_keeps_the_wording_verbatim(edition):
    questions = set(Question.objects.values_list("text", flat=True))
    assert (
        "Are people encouraged to understand and manage different types of risk in an "
        "age-appropriate way when they are online?"
    ) in questions
    assert (
        "Do your resources help people change their settings and online behaviours to prevent "
        "online harms. Does this encourage pro-social behaviour?"
    ) in questions
    assert (
        "Does your service allow users to report in a user-friendly, age-appropriate way?"
    ) in questions
    statements = list(edition.checklist_statements.values_list("text", flat=True))
    assert statements[0] == "People are given appropriate access to online services."
    assert statements[6] == (
        "People are encouraged to seek recovery services should a severe harm be suffered."
    )
    assert statements[7] == (
        "People are provided opportunities, and encouraged to inform/review/co-create the "
        "system to reduce risk or improve opportunities for others."
    )
    environment = edition.domains.get(key="environment")
    assert environment.audience == "Public and private providers of access to the internet"
    assert environment.scope.startswith("Including any access point to the internet.")
    assert edition.members.filter(name="NCA - CEOP").exists()


def test_every_member_has_a_website_or_says_why_not(edition):
    without = list(edition.members.filter(website="").values_list("name", flat=True))
    assert without == ["Trust and Safety Group"]


def test_load_framework_twice_duplicates_nothing():
    # The session has loaded the framework once already.
    counts = (Edition.objects.count(), Question.objects.count(), Resource.objects.count())
    call_command("load_framework")
    call_command("load_framework")
    assert (Edition.objects.count(), Question.objects.count(), Resource.objects.count()) == counts
    assert counts == (1, 16, Resource.objects.count())


def test_export_then_load_round_trip_is_lossless(edition, tmp_path):
    exported = tmp_path / "edition.yaml"
    call_command("export_framework", output=str(exported))
    data = read_data_file(exported)
    data["edition"]["key"] = "moved-edition"
    moved, created = load_edition(data=data, status=Edition.Status.DRAFT)
    assert created
    first, second = export_edition(edition), export_edition(moved)
    for exported_data in (first, second):
        for field in ("key", "status", "published_at"):
            exported_data["edition"].pop(field, None)
    assert first == second
    # The file read back is the same text the export wrote.
    assert dump_data_file(read_data_file(exported)) == exported.read_text(encoding="utf-8")


def test_load_framework_keeps_an_archived_edition_archived(edition, tmp_path):
    current = publish_edition(edition=duplicate_edition(edition=edition))
    edition.refresh_from_db()
    path = exported_elsewhere(edition, tmp_path / "archived.yaml")

    call_command("load_framework", str(path))

    loaded = Edition.objects.get(key="elsewhere")
    assert loaded.status == Edition.Status.ARCHIVED
    assert loaded.published_at == edition.published_at
    assert Edition.objects.current() == current


def test_load_framework_keeps_the_current_edition_current(edition, tmp_path):
    newer = edition.published_at + timedelta(days=365)
    path = exported_elsewhere(edition, tmp_path / "newer.yaml", published_at=newer.isoformat())

    call_command("load_framework", str(path))

    loaded = Edition.objects.get(key="elsewhere")
    # Released, dated as in the file, but superseded here by the current edition.
    assert (loaded.status, loaded.published_at) == (Edition.Status.ARCHIVED, newer)
    assert Edition.objects.current() == edition
    assert Edition.objects.get(pk=edition.pk).status == Edition.Status.PUBLISHED


def test_load_framework_make_current_supersedes_the_current_edition(edition, tmp_path):
    older = edition.published_at - timedelta(days=365)
    path = exported_elsewhere(edition, tmp_path / "older.yaml", published_at=older.isoformat())

    call_command("load_framework", str(path), make_current=True)

    loaded = Edition.objects.get(key="elsewhere")
    assert (loaded.status, loaded.published_at) == (Edition.Status.PUBLISHED, older)
    assert Edition.objects.current() == loaded
    assert Edition.objects.get(pk=edition.pk).status == Edition.Status.ARCHIVED


def test_load_framework_of_a_loaded_file_changes_nothing_even_with_make_current(edition, tmp_path):
    path = exported_elsewhere(edition, tmp_path / "edition.yaml")
    call_command("load_framework", str(path))
    before = (releases(), Question.objects.count(), Resource.objects.count())

    call_command("load_framework", str(path))
    call_command("load_framework", str(path), make_current=True)

    assert (releases(), Question.objects.count(), Resource.objects.count()) == before
    assert Edition.objects.current() == edition


def test_load_framework_takes_few_queries(framework_data, tmp_path, django_assert_max_num_queries):
    path = tmp_path / "framework.yaml"
    path.write_text(dump_data_file(under_another_key(framework_data)), encoding="utf-8")

    with django_assert_max_num_queries(60):
        call_command("load_framework", str(path))

    assert Question.objects.filter(domain__edition__key="elsewhere").count() == 16


def test_load_framework_queries_do_not_grow_with_content(framework_data):
    smaller = copy.deepcopy(framework_data)
    smaller["domains"] = smaller["domains"][:2]
    kept = {domain["key"] for domain in smaller["domains"]}
    smaller["members"] = smaller["members"][:5]
    for member in smaller["members"]:
        member["resources"] = member["resources"][:1]
        for resource in member["resources"]:
            resource["domains"] = [key for key in resource["domains"] if key in kept]

    assert load_query_count(smaller) == load_query_count(framework_data)


def test_load_framework_refuses_yaml_aliases(tmp_path):
    # An "alias bomb": each line refers to the previous one nine times.
    lines = ["format: 1", 'a0: &a0 ["lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 8)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = releases()

    with pytest.raises(CommandError, match="uses YAML aliases or anchors"):
        call_command("load_framework", str(path))
    assert releases() == before


def test_load_framework_refuses_a_file_over_the_size_limit(framework_data, tmp_path):
    path = tmp_path / "huge.yaml"
    padding = "# padding\n" * 250_000
    path.write_text(dump_data_file(under_another_key(framework_data)) + padding, encoding="utf-8")
    before = releases()

    with pytest.raises(CommandError, match="larger than 2 MB"):
        call_command("load_framework", str(path))
    assert releases() == before


def test_export_framework_writes_to_stdout(edition, capsys):
    call_command("export_framework")
    out = capsys.readouterr().out
    assert "format: 1" in out
    assert "People are encouraged to report harms." in out


def test_published_edition_cannot_be_changed_or_deleted(edition):
    question = Question.objects.filter(domain__edition=edition).first()
    question.text = "Changed"
    with pytest.raises(EditionLocked):
        question.save()
    with pytest.raises(EditionLocked):
        question.delete()
    with pytest.raises(EditionLocked):
        Question.objects.filter(pk=question.pk).update(text="Changed")
    with pytest.raises(EditionLocked):
        Resource.objects.filter(member__edition=edition).delete()
    edition.title = "Renamed"
    with pytest.raises(EditionLocked):
        edition.save()
    with pytest.raises(EditionLocked):
        edition.delete()
    with pytest.raises(EditionLocked):
        Edition.objects.all().delete()
    with pytest.raises(EditionLocked):
        ChecklistStatement.objects.create(edition=edition, key="new", text="New statement")
    question.refresh_from_db()
    assert question.text != "Changed"
    assert Edition.objects.get(pk=edition.pk).title == "Digital Resilience Framework"


def test_duplicate_edition_makes_an_editable_draft_copy(edition):
    draft = duplicate_edition(edition=edition)
    assert draft.status == Edition.Status.DRAFT
    assert draft.based_on == edition
    assert Question.objects.filter(domain__edition=draft).count() == 16
    assert draft.members.count() == 24
    copied = Resource.objects.get(member__edition=draft, key="the-mix")
    assert set(copied.stages.values_list("edition", flat=True)) == {draft.pk}
    question = Question.objects.get(domain__edition=draft, key="environment-understand")
    question.text = "Reworded question"
    question.save()
    assert Question.objects.get(domain__edition=edition, key="environment-understand").text != (
        "Reworded question"
    )


def test_publish_supersedes_the_previous_edition(edition):
    draft = duplicate_edition(edition=edition)
    publish_edition(edition=draft)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.ARCHIVED
    assert Edition.objects.current() == draft


def test_publish_refuses_an_incomplete_edition_and_says_what_is_missing(edition):
    draft = duplicate_edition(edition=edition)
    Question.objects.filter(domain__edition=draft, key="content-recover").delete()
    ChecklistStatement.objects.filter(edition=draft).delete()
    with pytest.raises(ValidationError) as error:
        publish_edition(edition=draft)
    assert error.value.messages == [
        "Content has no question for the Recover stage.",
        "The edition has no checklist statements.",
    ]
    draft.refresh_from_db()
    assert draft.status == Edition.Status.DRAFT
    assert Edition.objects.current() == edition


def test_edition_problems_empty_for_complete_edition(edition):
    assert edition_problems(edition) == []


def test_edition_problems_for_empty_draft():
    draft = Edition.objects.create(key="empty", title="Empty", version="0")
    assert edition_problems(draft) == [
        "The edition has no stages.",
        "The edition has no domains.",
        "The edition has no checklist statements.",
    ]


def test_publish_refuses_an_already_published_edition(edition):
    with pytest.raises(ValidationError):
        publish_edition(edition=edition)


def test_load_rejects_resource_tag_that_does_not_exist(framework_data):
    broken = under_another_key(framework_data, key="broken")
    broken["members"][0]["resources"][0]["stages"] = ["nonsense"]
    before = releases()
    with pytest.raises(ValidationError, match="unknown stages key"):
        load_edition(data=broken)
    assert releases() == before


def test_load_rejects_a_file_of_another_format(tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text("hello: world\n")
    with pytest.raises(ValidationError, match="not a framework data file"):
        read_data_file(path)


def test_draft_content_can_be_moved_but_never_out_of_a_published_edition(edition):
    draft = duplicate_edition(edition=edition)
    published_domain = Domain.objects.get(edition=edition, key="policy")
    draft_domain = Domain.objects.get(edition=draft, key="policy")
    question = Question.objects.get(domain=published_domain, key="policy-learn")
    question.domain = draft_domain
    question.key = "moved"
    with pytest.raises(EditionLocked):
        question.save()
    assert Stage.objects.filter(edition=draft).count() == 4
    assert MemberOrganisation.objects.filter(edition=draft).count() == 24


def test_published_resource_tags_cannot_change(edition):
    resource = Resource.objects.filter(member__edition=edition).first()
    stage = edition.stages.first()
    before = set(resource.stages.values_list("pk", flat=True))
    # Each in a savepoint: Django's m2m managers mark their transaction as failed on error.
    with pytest.raises(EditionLocked), transaction.atomic():
        resource.stages.clear()
    with pytest.raises(EditionLocked), transaction.atomic():
        stage.resources.remove(resource)
    assert set(resource.stages.values_list("pk", flat=True)) == before


def test_draft_resource_tags_can_change(edition):
    draft = duplicate_edition(edition=edition)
    resource = Resource.objects.filter(member__edition=draft).first()
    resource.stages.set(draft.stages.filter(key="recover"))
    assert list(resource.stages.values_list("key", flat=True)) == ["recover"]


def test_load_edition_gives_audiences_their_age_groups(framework_data, db):
    data = copy.deepcopy(framework_data)
    data["edition"]["key"] = "age-groups-test"

    edition, _ = load_edition(data=data)

    audiences = {audience.key: audience for audience in edition.audiences.all()}
    assert audiences["parents-carers"].age_groups == ["under-5", "5-10", "11-13", "14-17"]
    assert audiences["professionals"].age_groups == []
    assert audiences["parents-carers"].suits(["14-17", "adults"])
    assert not audiences["professionals"].suits(["14-17"])


def test_load_edition_refuses_unknown_age_groups(framework_data, db):
    data = copy.deepcopy(framework_data)
    data["edition"]["key"] = "bad-age-groups"
    data["audiences"][0]["age_groups"] = ["teens", "5-10"]

    with pytest.raises(ValidationError, match="unknown age groups: teens"):
        load_edition(data=data)

    assert not Edition.objects.filter(key="bad-age-groups").exists()


# --- Rating guidance: the tool's own, loaded, exported and copied with the edition -----------


def guidance_of(edition: Edition) -> list[tuple[str | None, int]]:
    return [
        (row.stage.key if row.stage else None, row.rating)
        for row in edition.rating_guidance.select_related("stage")
    ]


def test_load_framework_gives_every_stage_and_the_checklist_rating_guidance(edition):
    assert guidance_of(edition) == [
        (stage, rating)
        for stage in ["understand", "know", "learn", "recover", None]
        for rating in [1, 2, 3]
    ]
    assert all(
        row.descriptor and row.school_example and row.charity_example
        for row in edition.rating_guidance.all()
    )
    know_well = edition.rating_guidance.get(stage__key="know", rating=3)
    assert know_well.descriptor.startswith("Everyone knows how to respond to an online risk")


def test_data_file_marks_rating_guidance_as_the_tools_own_not_framework_text():
    text = DEFAULT_DATA_FILE.read_text(encoding="utf-8")
    comment = text[: text.index("\nrating_guidance:")].rsplit("# ----", 1)[1]

    assert "NOT UKCIS framework text" in comment
    assert "not\n# Crown copyright" in comment


def test_export_writes_rating_guidance_by_stage_key_and_rating_in_words(edition):
    exported = export_edition(edition)["rating_guidance"]

    assert exported[0] | {"descriptor": "", "school_example": "", "charity_example": ""} == {
        "stage": "understand",
        "rating": "poorly",
        "descriptor": "",
        "school_example": "",
        "charity_example": "",
    }
    assert [(row["stage"], row["rating"]) for row in exported[-3:]] == [
        (None, "poorly"),
        (None, "moderately"),
        (None, "well"),
    ]
    assert exported == read_data_file()["rating_guidance"]  # the data file, as written


def test_duplicate_edition_copies_the_rating_guidance_to_edit(edition):
    draft = duplicate_edition(edition=edition)

    assert guidance_of(draft) == guidance_of(edition)
    copied = draft.rating_guidance.get(stage__key="learn", rating=2)
    assert copied.stage.edition == draft
    copied.descriptor = "Reworded for the draft"
    copied.save()
    assert edition.rating_guidance.get(stage__key="learn", rating=2).descriptor != (
        "Reworded for the draft"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stage": "reflect"}, "unknown stage 'reflect'"),
        ({"rating": "excellently"}, "use poorly, moderately, well"),
        (
            {"stage": "understand", "rating": "moderately"},
            "understand \\(moderately\\) is given twice",
        ),
    ],
)
def test_load_refuses_rating_guidance_it_cannot_place(framework_data, change, message):
    broken = under_another_key(framework_data, key="broken")
    broken["rating_guidance"][0] |= change

    with pytest.raises(ValidationError, match=message):
        load_edition(data=broken)

    assert not Edition.objects.filter(key="broken").exists()


def test_load_without_rating_guidance_loads_an_edition_without_any(framework_data):
    data = under_another_key(framework_data, key="older")
    del data["rating_guidance"]

    older, _ = load_edition(data=data, status=Edition.Status.DRAFT)

    assert not RatingGuidance.objects.filter(edition=older).exists()


def test_publish_edition_sets_the_key_and_version_given(edition):
    draft = duplicate_edition(edition=edition)

    publish_edition(edition=draft, key="ukcis-drf-2027", version="2027 review")

    stored = Edition.objects.get(pk=draft.pk)
    assert (stored.key, stored.version, stored.status) == (
        "ukcis-drf-2027",
        "2027 review",
        Edition.Status.PUBLISHED,
    )


def test_publish_edition_incomplete_keeps_the_key_and_version_it_had(edition):
    draft = duplicate_edition(edition=edition)
    ChecklistStatement.objects.filter(edition=draft).delete()

    with pytest.raises(ValidationError):
        publish_edition(edition=draft, key="ukcis-drf-2027", version="2027 review")

    stored = Edition.objects.get(pk=draft.pk)
    assert (stored.key, stored.version, stored.status) == (
        "ukcis-drf-2019-draft-2",
        "1.0 revision",
        Edition.Status.DRAFT,
    )


def test_load_framework_refuses_a_35_kb_alias_bomb_in_an_edition_file(framework_data, tmp_path):
    """A real edition file whose working group expands, through nested aliases, into 9⁸ (43
    million) strings: refused before anything is built from it, and nothing is written."""
    data = under_another_key(framework_data, "bomb")
    data["edition"] |= {"status": "draft", "working_group": "BOMB"}
    data["members"] = data["members"][:8]
    anchors = ["bombs:", '  a0: &a0 ["lol"]']
    anchors += [f"  a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    text = "\n".join(anchors) + "\n" + dump_data_file(data).replace("BOMB", "*a8")
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    assert 30_000 < path.stat().st_size < 40_000
    before = releases()

    with pytest.raises(CommandError) as raised:
        call_command("load_framework", str(path))

    assert str(raised.value).splitlines()[1:] == [
        f"  - {path} uses YAML aliases or anchors (& or *); write each value out in full."
    ]
    assert releases() == before


def test_load_framework_refuses_an_oversized_file_with_one_clear_error(framework_data, tmp_path):
    path = tmp_path / "huge.yaml"
    note = "x" * 100
    data = under_another_key(framework_data) | {"notes": [note] * 25_000}
    path.write_text(dump_data_file(data), encoding="utf-8")
    before = releases()

    with pytest.raises(CommandError) as raised:
        call_command("load_framework", str(path))

    assert str(raised.value) == (
        f"Could not load {path}; nothing was loaded.\n  - {path} is larger than 2 MB; "
        "a framework data file is far smaller."
    )
    assert releases() == before


def test_load_framework_lists_every_value_it_cannot_hold_and_loads_nothing(
    framework_data, tmp_path
):
    data = under_another_key(framework_data, "faulty")
    data["edition"]["title"] = "T" * 201
    data["stages"][0]["name"] = "Under\x00stand"
    data["domains"][0]["key"] = "environment/../x"
    data["domains"][1]["questions"][0].pop("text")
    data["members"][0]["resources"][0]["url"] = "javascript:alert(1)"
    data["factors"][0] = "not a mapping"
    path = tmp_path / "faulty.yaml"
    path.write_text(dump_data_file(data), encoding="utf-8")
    before = releases()

    with pytest.raises(CommandError) as raised:
        call_command("load_framework", str(path))

    assert str(raised.value).splitlines() == [
        f"Could not load {path}; nothing was loaded.",
        "  - edition.title: 201 characters; at most 200.",
        "  - stages[0].name: contains control characters (U+0000).",
        "  - factors[0]: expected a mapping.",
        "  - domains[0].key: 'environment/../x' is not a valid key (letters, numbers, - and _).",
        "  - domains[1].questions[0].text: missing (required).",
        "  - members[0].resources[0].url: 'javascript:alert(1)' is not a valid URL.",
    ]
    assert releases() == before


def test_load_edition_keeps_line_breaks_in_long_text(framework_data):
    data = under_another_key(framework_data, "line-breaks")
    data["domains"][0]["things_to_consider"] = "First\r\n\tSecond"

    edition, _ = load_edition(data=data)

    assert edition.domains.get(key=data["domains"][0]["key"]).things_to_consider == (
        "First\r\n\tSecond"
    )
