"""The report PDF as assistive technology reads it: a tagged PDF/UA-1 document, read back with
pypdf (its catalog, XMP metadata, outline and structure tree) and, where they are installed,
with poppler's `pdfinfo` and a PDF/UA validator.

The render is of a completed assessment of all four domains, the largest report there is."""

import importlib.util
import io
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from pypdf import PdfReader
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, IndirectObject

from assessments.models import Organisation, Rating
from assessments.organisations import services as organisation_services
from assessments.reporting import pdf
from assessments.reporting.report import build_report
from assessments.walkthrough import services
from framework.services import load_edition
from tests.assessments.factories import complete, fill, rate_checklist
from tests.assessments.reporting.svg import SVG, parse

# The module's render needs the test database, which pytest-django sets up only for a session
# with database tests in it.
pytestmark = pytest.mark.django_db

DOMAINS = ("environment", "content", "service", "policy")
HEADING = re.compile(r"/H([1-6])")
PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}part"
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
# Link texts that say nothing out of context (WCAG 2.4.4).
VAGUE_LINK_TEXTS = {"here", "click here", "link", "more", "read more", "this page"}


@dataclass
class Element:
    """One structure element: its type (`/H1`, `/Figure`...), /Alt, /ID, attributes and text."""

    role: str
    alt: str | None
    id: str | None
    attributes: dict
    text: str = ""
    children: list["Element"] = field(default_factory=list)

    def descendants(self) -> Iterator["Element"]:
        for child in self.children:
            yield child
            yield from child.descendants()


@dataclass
class Tagged:
    """A rendered report's PDF read back, with what the report said it should hold."""

    content: bytes
    reader: PdfReader
    tree: Element
    assessment_title: str
    document_title: str
    chart_alternatives: list[str]

    @property
    def catalog(self) -> DictionaryObject:
        return self.reader.trailer["/Root"]

    def elements(self, role: str) -> list[Element]:
        return [element for element in self.tree.descendants() if element.role == role]

    def headings(self) -> list[tuple[int, str]]:
        return [
            (int(match[1]), element.text)
            for element in self.tree.descendants()
            if (match := HEADING.fullmatch(element.role))
        ]


@pytest.fixture(scope="module")
def tagged(django_db_setup, django_db_blocker, framework_file) -> Tagged:
    """A completed four-domain assessment (Moderately throughout, one statement Poorly and one
    Well) rendered as the task worker renders it, and read back.

    Rendered once for the module (a render takes seconds), in a transaction rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        owner = User.objects.create_user(username="owner@riverside.example", password="x" * 20)
        organisation = organisation_services.create_organisation(
            user=owner, name="Riverside Trust", kind=Organisation.Kind.CHARITY, nations=["wales"]
        )
        edition, _ = load_edition(data=framework_file)
        assessment = services.start_assessment(
            organisation=organisation,
            user=owner,
            title="Annual review",
            domains=list(edition.domains.filter(key__in=DOMAINS)),
        )
        fill(assessment)
        rate_checklist(assessment, Rating.POORLY, statement__key="report-harms")
        rate_checklist(assessment, Rating.WELL, statement__key="recognise-risk")
        report = build_report(complete(assessment, owner))
        content = pdf.render_report_pdf(report)
        reader = PdfReader(io.BytesIO(content))
        tagged = Tagged(
            content=content,
            reader=reader,
            tree=structure_tree(reader),
            assessment_title=report.assessment.title,
            document_title=f"{organisation.name} – {report.assessment.title}",
            chart_alternatives=[
                parse(chart).find(f"{SVG}title").text for chart in report.charts.values()
            ],
        )
        transaction.set_rollback(True)
    return tagged


def structure_tree(reader: PdfReader) -> Element:
    """The document's structure tree with the text each element holds, in document order.

    Text is found through marked content: each structure element names the marked-content ids
    (MCIDs) of its page whose text it holds."""
    root = reader.trailer["/Root"].get("/StructTreeRoot")
    if root is None:
        return Element("/StructTreeRoot", None, None, {})
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    texts: dict[tuple[int, int], str] = {}
    for index, page in enumerate(reader.pages):
        for mcid, text in marked_texts(page).items():
            texts[(index, mcid)] = text
    return _element(root.get_object(), None, pages, texts)


def marked_texts(page) -> dict[int, str]:
    """The text drawn in each marked-content sequence of `page`, by MCID."""
    open_ids: list[int | None] = []
    found: dict[int, str] = {}

    def before(operator, operands, cm, tm):
        if operator == b"BDC":
            properties = operands[1] if len(operands) > 1 else None
            mcid = properties.get("/MCID") if isinstance(properties, dict) else None
            open_ids.append(mcid)
        elif operator == b"BMC":
            open_ids.append(None)
        elif operator == b"EMC" and open_ids:
            open_ids.pop()

    def text(content, cm, tm, font, size):
        mcid = next((mcid for mcid in reversed(open_ids) if mcid is not None), None)
        if mcid is not None:
            found[mcid] = found.get(mcid, "") + content

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return found


def _element(node: DictionaryObject, page: int | None, pages, texts) -> Element:
    if "/Pg" in node:
        page = pages[node.raw_get("/Pg").idnum]
    attributes = node.get("/A")
    element = Element(
        str(node.get("/S", "/StructTreeRoot")),
        str(node["/Alt"]) if "/Alt" in node else None,
        str(node["/ID"]) if "/ID" in node else None,
        dict(attributes.get_object()) if attributes is not None else {},
    )
    kids = node.get("/K")
    kids = kids.get_object() if kids is not None else []
    parts: list[str] = []
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        target = kid.get_object() if isinstance(kid, IndirectObject) else kid
        if isinstance(target, int):
            parts.append(texts.get((page, target), ""))
        elif isinstance(target, dict) and target.get("/Type") == "/MCR":
            mcr_page = pages[target.raw_get("/Pg").idnum] if "/Pg" in target else page
            parts.append(texts.get((mcr_page, target["/MCID"]), ""))
        elif isinstance(target, dict) and "/S" in target:
            child = _element(target, page, pages, texts)
            element.children.append(child)
            parts.append(child.text)
    element.text = " ".join(" ".join(parts).split())
    return element


def is_true(value) -> bool:
    """Whether a PDF object is the boolean true (not merely something truthy)."""
    return isinstance(value, BooleanObject) and value.value is True


def outer_links(element: Element) -> Iterator[Element]:
    """The /Link elements not inside another /Link: WeasyPrint tags a link's `::after` content
    (the contents page's leader dots and page number) as a /Link inside the link."""
    for child in element.children:
        if child.role == "/Link":
            yield child
        else:
            yield from outer_links(child)


def outline_titles(reader: PdfReader, depth: int) -> list[tuple[int, str]]:
    """(level, title) of each bookmark down to `depth` levels, in order."""

    def walk(items, level) -> Iterator[tuple[int, str]]:
        for item in items:
            if isinstance(item, list):
                if level < depth:
                    yield from walk(item, level + 1)
            else:
                yield level, " ".join(item.title.split())

    return list(walk(reader.outline, 1))


def test_pdf_is_marked_as_tagged_in_english_with_its_title_in_the_window(tagged):
    catalog = tagged.catalog
    title = tagged.document_title

    assert is_true(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en-GB"
    assert is_true(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert tagged.reader.metadata.title == title
    xmp = ET.fromstring(tagged.reader.xmp_metadata.stream.get_data())
    assert [item.text for item in xmp.iter(DC_TITLE) for item in item.iter() if item.text] == [
        title
    ]


def test_pdf_claims_pdf_ua_1_in_its_xmp_metadata(tagged):
    xmp = ET.fromstring(tagged.reader.xmp_metadata.stream.get_data())

    parts = [node.get(PDFUAID) for node in xmp.iter() if node.get(PDFUAID)]
    parts += [node.text for node in xmp.iter(PDFUAID)]
    assert parts == ["1"]
    assert tagged.reader.pdf_header == "%PDF-1.7"


def test_pdf_headings_come_in_document_order_without_skipping_a_level(tagged):
    headings = tagged.headings()

    assert headings[0] == (1, tagged.assessment_title)
    assert [level for level, _ in headings].count(1) == 1
    for (before, text_before), (level, text) in zip(headings, headings[1:], strict=False):
        assert level <= before + 1, f"{text!r} (H{level}) follows {text_before!r} (H{before})"
    assert all(text for _, text in headings)
    sections = [text for level, text in headings if level == 2]
    assert sections.index("Executive summary") < sections.index("Action plan")
    for name in ("Environment", "Content", "Service", "Policy"):
        assert sections.index("Executive summary") < sections.index(f"{name} domain")


def test_pdf_outline_follows_the_top_two_levels_of_headings(tagged):
    headings = [(level, text) for level, text in tagged.headings() if level <= 2]

    assert len(headings) > 5
    assert outline_titles(tagged.reader, depth=2) == headings


def test_pdf_tables_have_header_cells_that_their_data_cells_point_to(tagged):
    tables = tagged.elements("/Table")

    assert tables
    for table in tables:
        cells = list(table.descendants())
        headers = [cell for cell in cells if cell.role == "/TH"]
        assert headers, f"A table without header cells: {table.text[:80]!r}"
        assert all(cell.id for cell in headers)
        for cell in cells:
            if cell.role == "/TD" and cell.text:
                assert cell.attributes.get("/Headers"), f"{cell.text!r} has no header"


def test_pdf_charts_are_figures_whose_alternative_text_gives_the_data(tagged):
    figures = tagged.elements("/Figure")
    expected = tagged.chart_alternatives

    assert len(figures) == len(expected) > 0
    for figure, alternative in zip(figures, expected, strict=True):
        assert figure.alt == alternative
        # The chart's name, then what it shows, then its data: several sentences.
        assert figure.alt.count(". ") >= 2, figure.alt


def test_pdf_links_are_tagged_with_text_that_says_where_they_go(tagged):
    links = list(outer_links(tagged.tree))

    assert links
    for link in links:
        text = link.text.strip(" .0123456789")  # without the contents page's dots and numbers
        assert text or link.alt, "A link with no text"
        assert text.lower() not in VAGUE_LINK_TEXTS, link.text
    for page in tagged.reader.pages:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if annotation["/Subtype"] == "/Link":
                assert annotation.get("/Contents")
                assert "/StructParent" in annotation


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils' pdfinfo is absent")
def test_pdfinfo_reads_the_pdf_as_tagged_with_its_structure(tagged, tmp_path: Path):
    path = tmp_path / "report.pdf"
    path.write_bytes(tagged.content)

    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    structure = subprocess.run(
        ["pdfinfo", "-struct-text", path], capture_output=True, text=True, check=True
    ).stdout

    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert re.search(r"^Title:\s+" + re.escape(tagged.reader.metadata.title) + "$", info, re.M)
    assert structure.startswith("Document")
    assert f'"{tagged.assessment_title}"' in structure.split("H1", 1)[1]


VERAPDF_ABSENT = (
    "veraPDF is not installed: it is in neither Debian nor PyPI, and its installer and Maven "
    "artifacts come from hosts this project's machines cannot reach (see README, Accessible PDF)"
)


@pytest.mark.skipif(shutil.which("verapdf") is None, reason=VERAPDF_ABSENT)
def test_verapdf_finds_the_pdf_conforms_to_pdf_ua_1(tagged, tmp_path: Path):
    path = tmp_path / "report.pdf"
    path.write_bytes(tagged.content)

    result = subprocess.run(
        ["verapdf", "--flavour", "ua1", "--format", "text", path],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.stdout.startswith("PASS"), result.stdout + result.stderr


PDFUA_ABSENT = (
    "pdfua (PyPI) is not installed; `uv add --dev pdfua` installs it. It checks a subset of "
    "PDF/UA-1 (16 of veraPDF's 106 machine-checkable rules)"
)


@pytest.mark.skipif(importlib.util.find_spec("pdfua") is None, reason=PDFUA_ABSENT)
def test_pdfua_finds_nothing_certain_to_break_pdf_ua_1(tagged, tmp_path: Path):
    path = tmp_path / "report.pdf"
    path.write_bytes(tagged.content)

    # --certain-only: its heuristic findings (e.g. tables it cannot see /Headers on, though
    # WeasyPrint writes them on every data cell) need a person's judgement, not a test's.
    result = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "--certain-only", path],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
