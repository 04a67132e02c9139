from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests.conftest import Tree, login
from tests.dossier.test_books import CAMPAIGN, demo_path, file_body
from tests.render import pdf_text, xlsx_rows
from tests.workers import JobQueue
from tuixuan.core.models import User
from tuixuan.dossier import access, exports
from tuixuan.dossier.selectors import events_for_person
from tuixuan.jobs.models import Job
from tuixuan.record.events import EventType
from tuixuan.record.models import Event
from tuixuan.record.triggers import install_triggers, uninstall_triggers
from tuixuan.registry.models import Member


@pytest.fixture
def demo(
    tree: Tree, unit_operator: User, convener: User, monkeypatch: pytest.MonkeyPatch
) -> Member:
    return demo_path(tree, unit_operator, convener, monkeypatch)


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    return tmp_path / "data"


def names(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as archive:
        return sorted(archive.namelist())


def test_the_zip_holds_a_pdf_per_person_and_the_index(
    demo: Member, tmp_path: Path, supervisor: User
) -> None:
    other = Member.objects.get(name="李红梅")
    target = tmp_path / "books.zip"
    ids = access.persons_of_campaign(supervisor, CAMPAIGN)
    assert ids == sorted([demo.citizen_id, other.citizen_id])
    result = exports.export_books(user=supervisor, citizen_ids=ids, target=target, scope="test")
    assert result.books == 2 and result.failed_checks == 0
    expected = {
        f"张建国-{demo.citizen_id[-4:]}.pdf",
        f"李红梅-{other.citizen_id[-4:]}.pdf",
        "index.xlsx",
    }
    assert set(names(target)) == expected
    with zipfile.ZipFile(target) as archive:
        pdf_path = tmp_path / "one.pdf"
        pdf_path.write_bytes(archive.read(f"张建国-{demo.citizen_id[-4:]}.pdf"))
        index = tmp_path / "index.xlsx"
        index.write_bytes(archive.read("index.xlsx"))
    assert "张建国" in pdf_text(pdf_path)
    rows = xlsx_rows(index)
    assert [r[1] for r in rows[2:]] == ["张建国", "李红梅"]
    assert rows[2][6] == "一致"
    exported = Event.objects.get(event_type=EventType.BOOK_EXPORTED)
    assert exported.inputs["citizen_ids"] == ids
    assert exported.inputs["sm3"] == exports.file_sm3(target)


def test_exports_only_include_visible_persons(
    tree: Tree, demo: Member, tmp_path: Path, other_unit_operator: User
) -> None:
    assert access.persons_of_unit(other_unit_operator, tree.unit_a) == []
    assert access.persons_of_campaign(other_unit_operator, CAMPAIGN) == []
    # Even handed the IDs, the batch builds nothing the user may not see.
    target = tmp_path / "books.zip"
    result = exports.write_books_zip(
        user=other_unit_operator, citizen_ids=[demo.citizen_id], target=target
    )
    assert result.books == 0 and names(target) == ["index.xlsx"]


def test_a_branch_exports_only_its_branch(tree: Tree, demo: Member, branch_operator: User) -> None:
    other = Member.objects.get(name="李红梅")
    ids = access.persons_of_unit(branch_operator, tree.branch_a1)
    # 李红梅 belongs to another branch, but this branch answers for one step of hers.
    assert ids == sorted([demo.citizen_id, other.citizen_id])
    sources = {s.citizen_id: s for s in access.books_for_user(branch_operator, ids)}
    assert sources[demo.citizen_id].whole
    assert not sources[other.citizen_id].whole
    assert [e.summary for e in sources[other.citizen_id].events] == [
        "东河村党支部推荐张建国为代表人选"
    ]


def test_web_export_runs_as_a_job_with_progress(
    tree: Tree,
    demo: Member,
    unit_operator: User,
    other_unit_operator: User,
    data_dir: Path,
    jobs: JobQueue,
) -> None:
    client = login(unit_operator)
    response = client.post(reverse("dossier:export"), {"org": tree.unit_a.code})
    assert response.status_code == 302
    progress_url = response["Location"]
    job = Job.objects.get()
    assert progress_url == reverse("dossier:export_progress", args=[job.pk])
    waiting = client.get(progress_url, HTTP_HX_REQUEST="true").content.decode()
    assert "待执行" in waiting and "hx-trigger" in waiting
    # Not downloadable before the worker ran it.
    assert client.get(reverse("dossier:export_download", args=[job.pk])).status_code == 404
    assert jobs.run() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 1
    assert (job.done, job.total) == (2, 2)
    page = client.get(progress_url, HTTP_HX_REQUEST="true").content.decode()
    assert "已完成：2 册" in page and "hx-trigger" not in page
    download = client.get(reverse("dossier:export_download", args=[job.pk]))
    assert download.status_code == 200
    body = file_body(download)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 2
    assert Event.objects.filter(event_type=EventType.BOOK_EXPORTED).count() == 1
    # Someone else cannot follow or fetch the job.
    assert login(other_unit_operator).get(progress_url).status_code == 404
    other = login(other_unit_operator)
    assert other.get(reverse("dossier:export_download", args=[job.pk])).status_code == 404


def test_web_export_of_another_unit_is_refused(
    tree: Tree, demo: Member, other_unit_operator: User, data_dir: Path
) -> None:
    client = login(other_unit_operator)
    jobs_before = sorted(data_dir.rglob("*")) if data_dir.exists() else []
    events = Event.objects.count()
    refused = client.post(reverse("dossier:export"), {"org": tree.unit_a.code})
    missing = client.post(reverse("dossier:export"), {"org": "NO-SUCH-CODE"})
    assert refused.status_code == missing.status_code == 200
    assert f"党组织代码“{tree.unit_a.code}”不存在。" in refused.content.decode()
    assert "党组织代码“NO-SUCH-CODE”不存在。" in missing.content.decode()
    assert Event.objects.count() == events
    assert (sorted(data_dir.rglob("*")) if data_dir.exists() else []) == jobs_before


def test_web_export_form_errors(demo: Member, unit_operator: User, data_dir: Path) -> None:
    client = login(unit_operator)
    both = client.post(reverse("dossier:export"), {"org": "A", "campaign": 7})
    assert "二者选一" in both.content.decode()
    missing = client.post(reverse("dossier:export"), {"org": "NOPE"})
    assert "不存在" in missing.content.decode()


def test_the_command_exports_a_unit(tree: Tree, demo: Member, tmp_path: Path) -> None:
    target = tmp_path / "unit.zip"
    out = io.StringIO()
    call_command("export_books", "--org", tree.unit_a.code, str(target), stdout=out, verbosity=0)
    assert "已导出 2 册" in out.getvalue()
    assert len(names(target)) == 3


def test_the_export_form_offers_the_users_campaigns_by_name(
    tree: Tree, convener: User, unit_operator: User, other_unit_operator: User, data_dir: Path
) -> None:
    from tuixuan.campaign import services as campaign_services
    from tuixuan.campaign.models import Level

    campaign = campaign_services.campaign_create(
        actor=convener,
        name="市第五次党代会",
        level=Level.CITY,
        total_seats=30,
        convening_organisation=tree.city,
    )
    page = login(convener).get(reverse("dossier:export")).content.decode()
    assert f'<option value="{campaign.pk}">市第五次党代会</option>' in page
    assert 'type="number"' not in page
    # Nobody in it yet: the choice is taken, and the answer says so in words.
    chosen = login(convener).post(reverse("dossier:export"), {"campaign": campaign.pk})
    assert "该范围内没有您可以查看的一人一册" in chosen.content.decode()
    # A campaign the user does not work in is not on the list and cannot be chosen.
    other = login(other_unit_operator).get(reverse("dossier:export")).content.decode()
    assert "市第五次党代会" not in other


def test_the_command_names_the_campaign_by_its_name(
    tree: Tree, convener: User, tmp_path: Path
) -> None:
    from django.core.management.base import CommandError

    from tuixuan.campaign import services as campaign_services
    from tuixuan.campaign.models import Level

    campaign = campaign_services.campaign_create(
        actor=convener,
        name="市第五次党代会",
        level=Level.CITY,
        total_seats=30,
        convening_organisation=tree.city,
    )
    target = tmp_path / "c.zip"
    with pytest.raises(CommandError) as empty:
        call_command("export_books", "--campaign", "市第五次党代会", str(target), verbosity=0)
    assert "该范围内没有一人一册可导出" in str(empty.value)  # found by name, nobody in it yet
    with pytest.raises(CommandError) as by_number:
        call_command("export_books", "--campaign", str(campaign.pk), str(target), verbosity=0)
    assert "该范围内没有一人一册可导出" in str(by_number.value)
    with pytest.raises(CommandError) as unknown:
        call_command("export_books", "--campaign", "省第十二次党代会", str(target), verbosity=0)
    assert "没有名为“省第十二次党代会”的推选工作" in str(unknown.value)
    assert f"{campaign.pk} 市第五次党代会" in str(unknown.value)


def test_a_pool_of_processes_writes_the_same_books_in_the_same_order(
    demo: Member,
    tmp_path: Path,
    supervisor: User,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rendered by two spawned processes, chunk by chunk (one person a chunk here, so the
    pool renders one chunk while the next is read), the zip holds byte for byte the PDFs a
    single process writes, under the same names, and the same index."""
    settings.EXPORT_POOL_MIN_BOOKS = 1
    monkeypatch.setattr(exports, "CHUNK", 1)
    ids = access.persons_of_campaign(supervisor, CAMPAIGN)
    seen: list[tuple[int, int]] = []
    alone = exports.write_books_zip(
        user=supervisor, citizen_ids=ids, target=tmp_path / "one.zip", processes=1
    )
    pooled = exports.write_books_zip(
        user=supervisor,
        citizen_ids=ids,
        target=tmp_path / "pool.zip",
        processes=2,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert pooled == alone and pooled.books == 2 and pooled.failed_checks == 0
    assert seen == [(1, 2), (2, 2)]
    with (
        zipfile.ZipFile(tmp_path / "one.zip") as one,
        zipfile.ZipFile(tmp_path / "pool.zip") as pool,
    ):
        assert pool.namelist() == one.namelist()
        for name in one.namelist():
            if name.endswith(".pdf"):
                assert pool.read(name) == one.read(name), name
        (tmp_path / "one.xlsx").write_bytes(one.read("index.xlsx"))
        (tmp_path / "pool.xlsx").write_bytes(pool.read("index.xlsx"))
    assert xlsx_rows(tmp_path / "pool.xlsx") == xlsx_rows(tmp_path / "one.xlsx")


def test_the_pool_renders_what_the_exporting_process_checked(
    demo: Member,
    tmp_path: Path,
    supervisor: User,
    settings: Any,
) -> None:
    """An event altered in the database is caught by the check in the exporting process and
    the pool's book says so, as a single process's would."""
    settings.EXPORT_POOL_MIN_BOOKS = 1
    event = events_for_person(demo.citizen_id).last()
    assert event is not None
    uninstall_triggers(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Event._meta.db_table} SET summary = %s WHERE id = %s",
                ["改过", event.pk],
            )
    finally:
        install_triggers(connection)
    ids = access.persons_of_campaign(supervisor, CAMPAIGN)
    result = exports.write_books_zip(
        user=supervisor, citizen_ids=ids, target=tmp_path / "pool.zip", processes=2
    )
    assert result.failed_checks >= 1
    with zipfile.ZipFile(tmp_path / "pool.zip") as pool:
        (tmp_path / "index.xlsx").write_bytes(pool.read("index.xlsx"))
        book = tmp_path / "book.pdf"
        book.write_bytes(pool.read(f"张建国-{demo.citizen_id[-4:]}.pdf"))
    assert "不一致" in [r[6] for r in xlsx_rows(tmp_path / "index.xlsx")[2:]]
    assert "内容哈希不符" in pdf_text(book)
