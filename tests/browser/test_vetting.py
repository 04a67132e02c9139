"""End to end in headless Chromium: the unit forms a team and asks two departments; the
inspector records a full inspection; the 纪检 reviewer answers on the page (a problem that
vetoes a case), the 公安 reviewer by uploading the generated reply sheet, neither seeing the
other's answers nor another unit's persons; the veto stops the case at the decision, which
shows the blockers; the veto is lifted and the case decided; the book shows every vetting
section."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories
from tests.campaign.conftest import _fast, campaign, with_units  # noqa: F401 -- fixtures
from tests.conftest import Tree
from tests.factories import vetting as vf
from tests.vetting.conftest import World, check_all, inspect, world  # noqa: F401 -- fixtures
from tuixuan.core.models import Role, User
from tuixuan.dossier import access as dossier_access
from tuixuan.vetting import domain, services
from tuixuan.vetting.models import Case, DepartmentRequest, Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _confirm(page: Any, button: str) -> None:
    """Click an irreversible step and accept its dialog."""
    page.click(button)
    page.wait_for_selector("dialog.confirm[open]")
    page.click("dialog.confirm button[data-role=confirm-yes]")
    page.wait_for_load_state()


def test_the_whole_vetting_in_the_browser(
    page: Any,
    live_server: Any,
    tree: Tree,
    world: World,  # noqa: F811
    unit_operator: User,
    inspector: User,
    tmp_path: Path,
) -> None:
    base = live_server.url
    today = timezone.localdate().isoformat()
    a, b = world.cases[0], world.cases[1]
    jijian = factories.user(
        Role.DEPARTMENT_REVIEWER, tree.unit_a, username="rev_jijian", department="纪检"
    )
    gongan = factories.user(
        Role.DEPARTMENT_REVIEWER, tree.unit_a, username="rev_gongan", department="公安"
    )
    # Unit B has its own person sent to 纪检: unit A's reviewers never see it.
    unit_b = world.campaign.units.get(organisation=tree.unit_b)
    b_op = factories.user(Role.UNIT_OPERATOR, tree.unit_b, username="b_op")
    outsider = factories.member(tree.branch_b1, "外单位人")
    (b_case,) = vf.cases(b_op, unit_b, [outsider], decided_on=dt.date(2026, 11, 2))
    services.department_request_send(
        actor=b_op, unit=unit_b, department="纪检", cases=[b_case], sent_on=timezone.localdate()
    )

    # The unit: a team, two cases given to it, 纪检 and 公安 asked.
    _login(page, base, unit_operator.username)
    page.goto(f"{base}/vetting/unit/{world.unit.pk}/")
    page.click("#team-new summary")
    page.fill("#team_name", "第一考察组")
    page.select_option("#team_leader", str(inspector.pk))
    page.fill("#team_formed_on", today)
    page.click("#team-form button[type=submit]")
    page.wait_for_selector("text=已组建第一考察组")
    team = Team.objects.get(unit=world.unit)
    form = page.locator("form.assign")
    form.locator(f"input[value='{a.pk}']").check()
    form.locator(f"input[value='{b.pk}']").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert Case.objects.get(pk=a.pk).team_id == team.pk
    for dept in ("纪检", "公安"):
        page.click("#request-new summary")
        page.select_option("#req_department", dept)
        page.fill("#req_sent_on", today)
        _confirm(page, "#request-form button[type=submit]")
        page.wait_for_selector(f"#requests >> text={dept}")
    # The other four departments answer on paper; the unit enters them (services).
    others = [
        services.department_request_send(
            actor=unit_operator,
            unit=world.unit,
            department=d,
            cases=[a, b],
            sent_on=timezone.localdate(),
        )
        for d in domain.DEFAULT_DEPARTMENTS[2:]
    ]
    for req in others:
        for case in (a, b):
            services.department_reply(
                actor=unit_operator,
                request=req,
                case=case,
                outcome=domain.Reply.CLEAR,
                replied_on=timezone.localdate(),
                reviewer="审查人",
            )

    # The inspector: notice, talks, evaluation, material (prefilled), signature.
    _login(page, base, inspector.username)
    page.goto(f"{base}/vetting/team/{team.pk}/")
    page.fill("#notice_issued_on", today)
    page.fill("#notice_starts_on", today)
    page.fill("#notice_ends_on", today)
    page.fill("#notice_scope", "本单位党员群众")
    page.fill("#notice_contact_phone", "0731-1234567")
    _confirm(page, "#notice-form button[type=submit]")
    assert Case.objects.get(pk=a.pk).status == domain.Status.INSPECTING
    page.goto(f"{base}/vetting/case/{a.pk}/")
    page.fill("input[name=talk_0]", "3")
    page.fill("input[name=talk_1]", "8")
    page.fill("input[name=talk_2]", "4")
    page.click("#talks-form button[type=submit]")
    page.wait_for_selector("#talks-total >> text=15")
    page.fill("#ev_held_on", today)
    page.fill("#ev_due", "40")
    page.fill("#ev_participants", "38")
    for i in range(len(domain.EVALUATION_DIMENSIONS)):
        page.fill(f"input[name=g_{i}_0]", "30")
        page.fill(f"input[name=g_{i}_1]", "7")  # one short: refused, values kept
    page.click("#evaluation-form button[type=submit]")
    page.wait_for_selector("#counts-errors")
    assert page.input_value("input[name=g_0_0]") == "30"
    for i in range(len(domain.EVALUATION_DIMENSIONS)):
        page.fill(f"input[name=g_{i}_1]", "8")
    page.click("#evaluation-form button[type=submit]")
    page.wait_for_selector("#evaluation-table")
    material = page.input_value("#rep_material")
    assert a.member.name in material and "个别谈话 15 人" in material
    page.fill("#rep_material", material + "\n该同志政治坚定，工作实绩突出。")
    page.check("input[name=opinion][value=agree]")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#sign-form")
    page.fill("#sign_signed_on", today)
    _confirm(page, "#sign-form button[type=submit]")
    page.wait_for_selector("#case-status >> text=待研究")
    inspect(Case.objects.get(pk=b.pk), inspector)  # the second, through the services

    # 纪检 answers on the page: a clear and a problem that vetoes.
    _login(page, base, jijian.username)
    page.goto(f"{base}/vetting/")
    assert "外单位人" not in page.content()
    req = DepartmentRequest.objects.get(unit=world.unit, department="纪检")
    page.goto(f"{base}/vetting/request/{req.pk}/")
    assert a.member.citizen_id not in page.locator("#queue tbody tr").first.inner_text()
    for case, outcome in ((a, "clear"), (b, "problem")):
        reply = req.replies.get(case=case)
        row = page.locator(f"form[action$='/reply/{reply.pk}/']")
        page.locator("details", has=row).locator("summary").click()
        row.locator("select[name=outcome]").select_option(outcome)
        if outcome == "problem":
            row.locator("textarea[name=detail]").fill("反映其收受礼金，经初核属实")
            row.locator("select[name=disqualification]").select_option("廉洁上有风险")
        row.locator("input[name=replied_on]").fill(today)
        _confirm(page, f"form[action$='/reply/{reply.pk}/'] button[type=submit]")
        page.wait_for_selector(
            f"#reply-{reply.pk} >> text=" + ("无不良记录" if outcome == "clear" else "有问题")
        )
    assert Case.objects.get(pk=b.pk).vetoes.filter(lifted_on__isnull=True).exists()

    # 公安 answers by the reply sheet; it sees nothing of 纪检's answers.
    _login(page, base, gongan.username)
    g_req = DepartmentRequest.objects.get(unit=world.unit, department="公安")
    page.goto(f"{base}/vetting/request/{g_req.pk}/")
    assert "收受礼金" not in page.content()
    assert page.goto(f"{base}/vetting/request/{req.pk}/").status == 404
    page.goto(f"{base}/vetting/request/{g_req.pk}/")
    with page.expect_download() as got:
        page.click("#reply-sheet")
    book = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    sheet = book.active
    header = next(
        i for i, r in enumerate(sheet.iter_rows(values_only=True), 1) if r[0] == "公民身份号码"
    )
    rows = range(header + 1, header + 1 + len(world.cases))
    for r in rows:
        sheet.cell(r, 5, "无不良记录")
        sheet.cell(r, 7, "公安审查人")
    path = tmp_path / "公安回复.xlsx"
    book.save(path)
    # Without the dates the sheet is refused, each error by row and column; nothing written.
    page.set_input_files("#imp_file", str(path))
    page.click("#reply-import button[type=submit]")
    page.wait_for_selector(f"text=第 {header + 1} 行【回复日期】：不能为空")
    assert not g_req.replies.exclude(outcome="").exists()
    for r in rows:
        sheet.cell(r, 8, today)
    book.save(path)
    page.set_input_files("#imp_file", str(path))
    _confirm(page, "#reply-import button[type=submit]")
    page.wait_for_selector(f"text=已导入 {len(world.cases)} 人的审查意见")

    # The unit: 六必查, then the decision with the blockers shown.
    for case in (a, b):
        check_all(Case.objects.get(pk=case.pk), unit_operator)
    _login(page, base, unit_operator.username)
    page.goto(f"{base}/vetting/unit/{world.unit.pk}/")
    assert page.is_disabled(f"#decide-cases tr:has(td#blockers-{b.pk}) input[type=checkbox]")
    assert "一票否决：廉洁上有风险" in page.inner_text(f"#blockers-{b.pk}")
    page.check(f"#decide-{a.pk}")
    page.fill(f"input[name=votes_{a.pk}]", "8")
    page.fill("#dec_decided_on", today)
    page.fill("#dec_attendance_due", "9")
    page.fill("#dec_attendance_present", "8")
    page.fill("#dec_decision", "研究确定初步人选")
    page.fill("#dec_accountable_person", "李书记")
    _confirm(page, "#decide-form button[type=submit]")
    page.wait_for_selector("text=初步人选已集体研究确定")
    assert Case.objects.get(pk=a.pk).status == domain.Status.SELECTED
    # The veto is lifted by a collective decision; the blocker is gone.
    veto = Case.objects.get(pk=b.pk).vetoes.get()
    page.goto(f"{base}/vetting/case/{b.pk}/")
    page.click(f"#veto-{veto.pk} summary")
    page.fill(f"#lift{veto.pk}_decided_on", today)
    page.fill(f"#lift{veto.pk}_attendance_due", "9")
    page.fill(f"#lift{veto.pk}_attendance_present", "8")
    page.fill(f"#lift{veto.pk}_reason", "经核实，所反映问题与事实不符")
    page.fill(f"#lift{veto.pk}_accountable_person", "李书记")
    _confirm(page, f"#lift-{veto.pk} button[type=submit]")
    page.wait_for_selector("text=一票否决已由集体研究解除")
    page.goto(f"{base}/vetting/unit/{world.unit.pk}/")
    assert "无，可以研究" in page.inner_text(f"#blockers-{b.pk}")
    assert not page.is_disabled(f"#decide-{b.pk}")

    # The book of the person shows every vetting section.
    token = dossier_access.person_token(member_id=a.member_id)
    page.goto(f"{base}/record/person/{token}/")
    text = page.inner_text("main")
    for title in ("党员“六必查”", "部门联审意见", "考察情况", "集体研究决定", "测评维度"):
        assert title in text, title
    assert "列为初步人选" in text
