"""Registry exports with hostile names: every text cell holds the literal text, no formula."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import Tree, login
from tests.hostile import HOSTILE_NAMES, assert_cells_hold, assert_no_formula
from tuixuan.core.models import Organisation, User
from tuixuan.registry.import_templates import write_template
from tuixuan.registry.importing.common import RowError
from tuixuan.registry.models import ImportJob
from tuixuan.registry.services import export_members, export_organisations, write_error_report

pytestmark = pytest.mark.django_db


def test_the_member_export_writes_hostile_names_as_text(tree: Tree, tmp_path: Path) -> None:
    for name in HOSTILE_NAMES:
        factories.member(tree.branch_a1, name)
    path = tmp_path / "members.xlsx"
    assert export_members(None, path) == len(HOSTILE_NAMES)
    assert_cells_hold(path, HOSTILE_NAMES)


def test_the_member_export_page_writes_hostile_names_as_text(
    tree: Tree, convener: User, tmp_path: Path, settings: object
) -> None:
    for name in HOSTILE_NAMES:
        factories.member(tree.branch_a1, name)
    response = login(convener).get(reverse("registry:members_export"))
    assert response.status_code == 200
    path = tmp_path / "page.xlsx"
    path.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert_cells_hold(path, HOSTILE_NAMES)


def test_the_organisation_export_writes_hostile_names_as_text(tree: Tree, tmp_path: Path) -> None:
    Organisation.objects.filter(pk=tree.branch_a1.pk).update(name=HOSTILE_NAMES[0])
    Organisation.objects.filter(pk=tree.branch_a2.pk).update(name=HOSTILE_NAMES[2])
    path = tmp_path / "orgs.xlsx"
    export_organisations(None, path)
    assert_cells_hold(path, [HOSTILE_NAMES[0], HOSTILE_NAMES[2]])


def test_the_error_report_writes_the_files_own_values_as_text(tmp_path: Path) -> None:
    source = tmp_path / "党员.csv"
    source.write_text(
        "姓名,公民身份号码\n"
        + "\n".join(f'"{n.replace(chr(34), chr(34) * 2)}",1' for n in HOSTILE_NAMES)
    )
    errors = [RowError(i + 2, "姓名", f"{name}：不能识别") for i, name in enumerate(HOSTILE_NAMES)]
    path = write_error_report(errors, tmp_path / "errors.xlsx", source=source)
    assert_cells_hold(path, HOSTILE_NAMES)
    assert_cells_hold(path, [f"{name}：不能识别" for name in HOSTILE_NAMES])


@pytest.mark.parametrize("kind", list(ImportJob.Kind))
def test_the_import_templates_hold_no_formula(kind: ImportJob.Kind, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(kind, path)
    assert assert_no_formula(path)
