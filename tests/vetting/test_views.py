# --- homes and the overview ----------------------------------------------------------------


def test_the_convener_sees_counts_per_unit_and_department_overdue_first(
    world: World, unit_operator: User, convener: User, tree: Tree
) -> None:
    unit_b = world.campaign.units.get(organisation=tree.unit_b)
    b_op = factories.user(Role.UNIT_OPERATOR, tree.unit_b, username="b_op")
    (b_case,) = vf.cases(
        b_op, unit_b, [factories.member(tree.branch_b1, "丙0")], decided_on=DECIDED
    )
    services.department_request_send(
        actor=b_op, unit=unit_b, department="纪检", cases=[b_case], sent_on=DECIDED
    )
    send_all(world, unit_operator, world.cases)
    page = login(convener).get(reverse("vetting:index")).content.decode()
    units = page[page.index('id="unit-counts"') :]
    # Unit B's 纪检 answer is late (sent a month ago): unit B comes first, in red.
    assert units.index(tree.unit_b.name) < units.index(tree.unit_a.name)
    assert 'class="overdue"' in units
    depts = page[page.index('id="dept-counts"') :]
    assert depts.index("纪检") < depts.index("公安")


def test_the_notice_keeps_what_was_typed(
    world: World, team: Team, unit_operator: User, inspector: User
) -> None:
    services.cases_assign(actor=unit_operator, team=team, cases=world.cases[:1])
    c = login(inspector)
    page = c.get(reverse("vetting:team", args=[team.pk])).content.decode()
    values, _ = form_values(page, "notice-form")
    data = dict(
        values,
        cases=[str(world.cases[0].pk)],
        issued_on=TODAY.isoformat(),
        starts_on=TODAY.isoformat(),
        ends_on=(TODAY - dt.timedelta(days=1)).isoformat(),
        scope="本村党员群众",
        contact_phone="0731-1",
        confirm="1",
    )
    r = c.post(reverse("vetting:notice_issue", args=[team.pk]), data)
    assert r.status_code == 400
    kept, attrs = form_values(r.content.decode(), "notice-form")
    assert kept["scope"] == "本村党员群众"
    assert attrs["ends_on"].get("aria-invalid") == "true"
    assert "考察结束日期不能早于开始日期" in r.content.decode()
    r = c.post(
        reverse("vetting:notice_issue", args=[team.pk]), dict(data, ends_on=TODAY.isoformat())
    )
    assert r.status_code == 302
    assert Case.objects.get(pk=world.cases[0].pk).status == domain.Status.INSPECTING


def test_an_inspector_who_is_not_the_leader_cannot_issue_the_notice(
    world: World, unit_operator: User, inspector: User, tree: Tree
) -> None:
    member = factories.user(Role.INSPECTOR, tree.city, username="inspector_m")
    team = vf.team(unit_operator, world.unit, inspector, members=[member], formed_on=TODAY)
    services.cases_assign(actor=unit_operator, team=team, cases=world.cases[:1])
    r = login(member).post(
        reverse("vetting:notice_issue", args=[team.pk]),
        {"cases": [str(world.cases[0].pk)], "confirm": "1"},
    )
    assert r.status_code == 403
