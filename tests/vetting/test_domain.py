"""The pure rules of vetting: transitions, blockers, evaluation and decision checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuixuan.vetting import domain
from tuixuan.vetting.domain import DepartmentFacts, Facts, Status

TODAY = dt.date(2026, 12, 2)

ALL = list(Status)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (Status.PENDING, Status.INSPECTING, True),
        (Status.PENDING, Status.TO_DECIDE, False),
        (Status.PENDING, Status.SELECTED, False),
        (Status.PENDING, Status.NOT_CONSIDERED, True),
        (Status.PENDING, Status.WITHDRAWN, True),
        (Status.INSPECTING, Status.TO_DECIDE, True),
        (Status.INSPECTING, Status.PENDING, False),
        (Status.INSPECTING, Status.SELECTED, False),
        (Status.TO_DECIDE, Status.SELECTED, True),
        (Status.TO_DECIDE, Status.INSPECTING, False),
        (Status.TO_DECIDE, Status.NOT_CONSIDERED, True),
        (Status.SELECTED, Status.WITHDRAWN, True),
        (Status.SELECTED, Status.NOT_CONSIDERED, True),
        (Status.SELECTED, Status.TO_DECIDE, False),
        (Status.NOT_CONSIDERED, Status.PENDING, False),
        (Status.NOT_CONSIDERED, Status.WITHDRAWN, False),
        (Status.WITHDRAWN, Status.SELECTED, False),
    ],
)
def test_transitions(current: Status, target: Status, allowed: bool) -> None:
    assert domain.can_move(current, target) is allowed
    if allowed:
        domain.check_transition(current, target)
    else:
        with pytest.raises(domain.VettingTransitionError):
            domain.check_transition(current, target)


def test_transition_messages_are_chinese() -> None:
    with pytest.raises(
        domain.VettingTransitionError, match="考察对象当前为“待考察”，不能变为“待研究”"
    ):
        domain.check_transition(Status.PENDING, Status.TO_DECIDE)
    with pytest.raises(domain.VettingTransitionError, match="已“本人退出”，不能再变更"):
        domain.check_transition(Status.WITHDRAWN, Status.SELECTED)


@given(st.sampled_from(ALL), st.sampled_from(ALL))
def test_no_way_back_from_a_closed_case(current: Status, target: Status) -> None:
    if current in (Status.NOT_CONSIDERED, Status.WITHDRAWN):
        assert not domain.can_move(current, target)
    if domain.can_move(current, target):
        # Every move goes forward in the order of the procedure or leaves it.
        assert ALL.index(target) > ALL.index(current)


def _complete(**over: object) -> Facts:
    base = Facts(
        today=TODAY,
        notice_issued=True,
        talks=12,
        evaluation_entered=True,
        report_written=True,
        report_signed=True,
        opinion=domain.Opinion.AGREE,
        check_items=dict.fromkeys(domain.CHECK_ITEMS, domain.Finding.CLEAR.value),
        departments=[
            DepartmentFacts(d, sent=True, reply=domain.Reply.CLEAR, due_on=TODAY)
            for d in domain.DEFAULT_DEPARTMENTS
        ],
        is_cadre=False,
        cadre_checks=dict.fromkeys(domain.FOUR_MUSTS),
    )
    return replace(base, **over)  # type: ignore[arg-type]


def test_a_complete_case_has_no_blockers() -> None:
    assert domain.blockers(_complete()) == []


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"notice_issued": False}, "尚未发布考察预告"),
        ({"talks": 0}, "尚未记录个别谈话"),
        ({"evaluation_entered": False}, "尚未录入民主测评结果"),
        ({"report_written": False, "report_signed": False}, "考察尚未完成：考察材料尚未形成"),
        ({"report_signed": False}, "考察组意见尚未由考察组组长签署"),
        ({"opinion": domain.Opinion.DISAGREE}, "考察组意见为不同意列为初步人选"),
        (
            {"check_items": {**dict.fromkeys(domain.CHECK_ITEMS, "clear"), "群众评价": None}},
            "六必查“群众评价”尚未核查",
        ),
        (
            {"departments": [DepartmentFacts("纪检")]},
            "尚未征求纪检部门意见",
        ),
        (
            {"departments": [DepartmentFacts("公安", sent=True, due_on=TODAY)]},
            "公安部门尚未回复",
        ),
        (
            {
                "departments": [
                    DepartmentFacts("审计", sent=True, due_on=TODAY - dt.timedelta(days=1))
                ]
            },
            "审计部门逾期未回复（应于 2026-12-01 前回复）",
        ),
        (
            {"departments": [DepartmentFacts("信访", sent=True, reply="further", due_on=TODAY)]},
            "信访部门意见为需进一步核查",
        ),
        ({"is_cadre": True}, "四必“干部档案必审”尚未完成"),
        ({"open_vetoes": ["廉洁上有风险"]}, "一票否决：廉洁上有风险（未经集体研究解除）"),
        ({"overlap_warning": True}, "系同级人大代表或政协委员，一般不交叉，尚无豁免决定"),
        ({"flag": "被留置，表决权暂停"}, "资格复核：被留置，表决权暂停"),
    ],
)
def test_each_blocker(over: dict[str, object], expected: str) -> None:
    assert expected in domain.blockers(_complete(**over))


def test_four_musts_only_for_cadres() -> None:
    assert domain.blockers(_complete(is_cadre=False)) == []
    done = dict.fromkeys(domain.FOUR_MUSTS, "clear")
    assert domain.blockers(_complete(is_cadre=True, cadre_checks=done)) == []
    assert len(domain.blockers(_complete(is_cadre=True))) == 4


def test_a_department_answering_with_a_problem_does_not_block_by_itself() -> None:
    # The problem blocks once it is named a disqualification (a veto); otherwise the
    # committee weighs it.
    facts = _complete(departments=[DepartmentFacts("纪检", sent=True, reply="problem")])
    assert domain.blockers(facts) == []


@given(
    st.booleans(),
    st.booleans(),
    st.integers(0, 3),
    st.lists(st.sampled_from(domain.DISQUALIFICATIONS), max_size=3),
)
def test_blockers_vanish_only_when_everything_is_done(
    notice: bool, evaluated: bool, talks: int, vetoes: list[str]
) -> None:
    facts = _complete(
        notice_issued=notice, evaluation_entered=evaluated, talks=talks, open_vetoes=vetoes
    )
    done = notice and evaluated and talks > 0 and not vetoes
    assert (domain.blockers(facts) == []) is done
    assert sum("一票否决" in b for b in domain.blockers(facts)) == len(vetoes)


DIMS = list(domain.EVALUATION_DIMENSIONS)


def _counts(row: dict[str, int]) -> dict[str, dict[str, int]]:
    return {d: dict(row) for d in DIMS}


@pytest.mark.parametrize(
    ("due", "participants", "counts", "message"),
    [
        (40, 38, _counts({"优秀": 30, "称职": 8}), None),
        (40, 41, _counts({"优秀": 41}), "实参加测评 41 人多于应参加 40 人"),
        (0, 0, {}, "应参加测评人数必须大于 0"),
        (
            40,
            38,
            _counts({"优秀": 30, "称职": 7}),
            "“政治表现”各等次合计 37 票，与实参加测评 38 人不符",
        ),
        (40, 38, {d: {"优秀": 38} for d in DIMS[:-1]}, "“议政能力”没有填写测评结果"),
        (40, 38, {**_counts({"优秀": 38}), "外貌": {"优秀": 38}}, "不是本次测评的维度：外貌"),
        (40, 38, {d: {"很好": 38} for d in DIMS}, "“政治表现”中有未知的等次：很好"),
    ],
)
def test_evaluation_problems(
    due: int, participants: int, counts: dict[str, dict[str, int]], message: str | None
) -> None:
    found = [
        m
        for _, m in domain.evaluation_problems(
            dimensions=DIMS, counts=counts, due=due, participants=participants
        )
    ]
    if message is None:
        assert found == []
    else:
        assert message in found


@given(
    st.integers(1, 500).flatmap(
        lambda p: st.tuples(st.just(p), st.lists(st.integers(0, p), min_size=4, max_size=4))
    )
)
def test_evaluation_adds_up_exactly(data: tuple[int, list[int]]) -> None:
    participants, grades = data
    row = dict(zip(domain.GRADES, grades, strict=True))
    problems = domain.evaluation_problems(
        dimensions=DIMS, counts=_counts(row), due=participants, participants=participants
    )
    assert (problems == []) is (sum(grades) == participants)


@pytest.mark.parametrize(
    ("day", "due", "present", "votes", "message"),
    [
        (TODAY, 9, 7, {"甲": 7}, None),
        (TODAY + dt.timedelta(days=1), 9, 7, {}, "晚于今天"),
        (TODAY - dt.timedelta(days=40), 9, 7, {}, "早于考察开始的日期"),
        (TODAY, 9, 10, {}, "实到 10 人多于应到 9 人"),
        (TODAY, 10, 5, {}, "未超过应到 10 人的半数"),
        (TODAY, 9, 7, {"甲": 8}, "“甲”得 8 票，多于实到 7 人"),
    ],
)
def test_decision_problems(
    day: dt.date, due: int, present: int, votes: dict[str, int], message: str | None
) -> None:
    found = " ".join(
        m
        for _, m in domain.decision_problems(
            decided_on=day,
            today=TODAY,
            stage_start=TODAY - dt.timedelta(days=10),
            due=due,
            present=present,
            votes=votes,
        )
    )
    if message is None:
        assert found == ""
    else:
        assert message in found


@given(st.integers(0, 300), st.integers(1, 300))
def test_more_than_half_of_those_present(votes: int, present: int) -> None:
    assert domain.passes(votes, present) is (votes * 2 > present)


def test_vocabularies() -> None:
    assert domain.DISQUALIFICATIONS == (
        "政治上不合格",
        "廉洁上有风险",
        "干部档案有问题",
        "党员身份存疑",
        "举报反映问题没有查清",
        "目前还在处分影响期内",
    )
    assert len(domain.DEPARTMENTS_15) == 15
    assert {"纪检监察", "政法", "统战", "信访"} <= set(domain.DEPARTMENTS_15)
    assert len(domain.CHECK_ITEMS) == 6 and len(domain.DEFAULT_DEPARTMENTS) == 6
    assert domain.list_problems(["纪检", "纪检", " "], what="联审部门") == [
        "联审部门中有空白项",
        "联审部门中重复：纪检",
    ]
