"""Reading the charts' SVG markup back, for the chart tests."""

import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
# Text a chart must escape: markup, an ampersand, both quotes and characters beyond Latin-1.
HOSTILE = "<script>alert(1)</script> & \"quotes\" 'ŵŷ' 🙂"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    """The content of every <text> element, its <tspan> lines joined by spaces."""
    return [" ".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def by_class(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [element for element in root.iter() if css_class in (element.get("class") or "").split()]


def alternative(root: ET.Element) -> str:
    """The chart's text alternative: its one `<title>`, the chart's name and then its data."""
    return root.find(f"{SVG}title").text
