"""The layout README.md describes holds: features import downward only, and nothing imports a
view but the URLs. Read from the source with `ast`, so a new module is checked without a list."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "assessments"
# Features in the order they may read each other: a feature imports only those before it.
FEATURES = [
    "organisations",
    "actions",
    "walkthrough",
    "editions",
    "reviews",
    "reporting",
    "exports",
    "groups",
]
SHARED = {"models", "access", "storage", "mail", "validators", "dates", "spreadsheets"}
# Within a feature: a module imports only modules of a lower layer (or the same module kind).
LAYERS = {"views": 3, "forms": 2, "services": 1, "queries": 0}


def modules() -> list[Path]:
    return [path for path in APP.rglob("*.py") if "migrations" not in path.parts]


def imported(path: Path) -> set[str]:
    """The assessments modules a file imports, as dotted names below `assessments`."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("assessments")
        ):
            base = node.module.removeprefix("assessments").lstrip(".")
            for alias in node.names:
                names.add(f"{base}.{alias.name}".lstrip(".") if base else alias.name)
                if base:
                    names.add(base)
    return names


def dotted(path: Path) -> str:
    return ".".join(path.relative_to(APP).with_suffix("").parts)


@pytest.mark.parametrize("path", modules(), ids=dotted)
def test_only_the_urls_import_views(path):
    if dotted(path) == "urls":
        return
    views = {name for name in imported(path) if name.split(".")[-1] == "views"}

    assert not views, f"{dotted(path)} imports {views}"


@pytest.mark.parametrize("path", modules(), ids=dotted)
def test_features_import_only_shared_modules_and_earlier_features(path):
    here = dotted(path).split(".")
    if here[0] not in FEATURES:
        return
    allowed = set(FEATURES[: FEATURES.index(here[0]) + 1]) | SHARED
    for name in imported(path):
        top = name.split(".")[0]
        assert top in allowed, f"{dotted(path)} imports {name}"


@pytest.mark.parametrize("path", modules(), ids=dotted)
def test_feature_modules_import_downward_only(path):
    here = dotted(path).split(".")
    if here[0] not in FEATURES or here[-1] not in LAYERS:
        return
    for name in imported(path):
        parts = name.split(".")
        if parts[0] == here[0] and len(parts) > 1 and parts[1] in LAYERS:
            assert LAYERS[parts[1]] <= LAYERS[here[-1]], f"{dotted(path)} imports {name}"


def test_every_feature_is_a_package_with_its_views():
    for feature in FEATURES:
        assert (APP / feature / "__init__.py").exists()
        assert (APP / feature / "views.py").exists()
