"""Every event type reads as Chinese in the book and the unit form.

``PAYLOADS`` holds a representative input for each ``EventType``, shaped as its service
writes it. A type added to ``EventType`` without a payload here, or without a template in
``wording.TEMPLATES``, fails the first test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tuixuan.dossier import books, wording
from tuixuan.record.events import EventType

ME = "110101199001011234"
MY_NAME = "张甲"
OTHER = "110101199202022345"
ELECTION = {
    "election": 1,
    "profile": "grassroots",
    "body_type": "members_meeting",
    "election_seats": 3,
    "counting_rules_version": "1",
}
BRANCH = {"branch": "前寨村党支部", "unit": "城关镇党委"}
COUNTS = [
    {"citizen_id": OTHER, "name": "李乙", "votes": 65, "probationary_votes": 1},
    {"citizen_id": ME, "name": MY_NAME, "votes": 2, "probationary_votes": 0},
]
SETTINGS = {
    "name": "市第五次党代会",
    "term": "第五次",
    "level": "city",
    "total_seats": 300,
    "margin_ratio": "1/5",
    "pool_multiple": "8/1",
    "names_per_form": 10,
    "default_rule_profile": "grassroots",
    "notice_working_days": 5,
    "second_notice": True,
    "non_overlap_policy": "warn",
    "departments": ["纪检", "公安"],
    "disqualification_reasons": ["政治上不合格"],
    "org_participation_target": "1/1",
    "member_participation_target": "19/20",
    "reduction_threshold": "2/3",
    "allocation_minimum": 1,
    "member_weight": "4/5",
    "required_activities": ["mobilisation", "warning"],
}
UNIT_STATE = {
    "organisation": "A01",
    "name": "城关镇党委",
    "seats": 11,
    "rule_profile": "grassroots",
    "secretary_name": "王书记",
    "secretary_post": "党委书记",
    "deputy_name": "",
    "deputy_post": "",
    "recommending_organisations": ["A0101", "A0102"],
}
RESULT = {
    "quorum_met": True,
    "vote_valid": True,
    "ballots_collected": 100,
    "ballots_valid": 98,
    "ballots_void": 2,
    "threshold_base": 100,
    "votes_needed": 51,
    "results": [
        {"name": "李乙", "in_favour": 80, "against": 10, "abstain": 8, "write_in": False},
        {"name": MY_NAME, "in_favour": 40, "against": 40, "abstain": 18, "write_in": False},
    ],
    "elected": ["李乙"],
    "runoff": None,
    "unfilled_seats": 1,
    "outcome": "shortfall",
    "rules_version": "1",
}

PAYLOADS: dict[EventType, dict[str, Any]] = {
    EventType.ORGANISATIONS_IMPORTED: {
        "file_name": "党组织.csv",
        "sha256": "ab" * 32,
        "total_rows": 690,
        "created": 690,
        "updated": 0,
        "skipped_rows": 0,
    },
    EventType.MEMBERS_IMPORTED: {
        "file_name": "党员名册.xlsx",
        "sha256": "ab" * 32,
        "total_rows": 40000,
        "created": 39990,
        "updated": 10,
        "skipped_rows": 2,
    },
    EventType.OUTSIDE_LIST_IMPORTED: {
        "file_name": "立案审查调查.csv",
        "sha256": "ab" * 32,
        "total_rows": 8,
        "created": 8,
        "updated": 0,
        "skipped_rows": 0,
        "list": "investigations",
        "unmatched": 1,
    },
    EventType.MEMBER_CHANGED: {
        "file_name": "党员名册.xlsx",
        "sha256": "ab" * 32,
        "change_count": 2,
        "changes": [
            {"citizen_id": ME, "field": "member_type", "old": "probationary", "new": "full"},
            {
                "citizen_id": OTHER,
                "field": "organisation",
                "old": "前寨村党支部",
                "new": "后寨村党支部",
            },
        ],
    },
    EventType.USER_CREATED: {
        "username": "王五",
        "role": "teller",
        "organisation": "A01",
        "department": "",
    },
    EventType.USER_ROLE_CHANGED: {"username": "王五", "old": "teller", "new": "inspector"},
    EventType.USERS_IMPORTED: {"source": "用户.xlsx", "usernames": ["王五", "赵六"]},
    EventType.USER_CHANGED: {
        "username": "王五",
        "before": {
            "role": "teller",
            "organisation": "A01",
            "display_name": "王五",
            "department": "",
            "phone": "",
        },
        "after": {
            "role": "inspector",
            "organisation": "A02",
            "display_name": "王五",
            "department": "组织部",
            "phone": "13800000000",
        },
    },
    EventType.USER_UNLOCKED: {"username": "王五", "counters_cleared": 2},
    EventType.LOGIN_ADDRESS_UNLOCKED: {"address": "10.0.0.7"},
    EventType.USER_PASSWORD_RESET: {"username": "王五", "counters_cleared": 1},
    EventType.USER_PASSWORD_CHANGED: {"username": "王五", "was_required": True},
    EventType.USER_DISABLED: {"username": "王五", "reason": "调离岗位"},
    EventType.USER_ENABLED: {"username": "王五", "reason": ""},
    EventType.CAMPAIGN_CREATED: {"settings": SETTINGS},
    EventType.CAMPAIGN_SETTINGS_CHANGED: {
        "changes": {
            "margin_ratio": {"old": "1/5", "new": "1/4"},
            "non_overlap_policy": {"old": "warn", "new": "refuse"},
        }
    },
    EventType.CAMPAIGN_STATUS_CHANGED: {
        "from": "preparing",
        "to": "running",
        "settings": SETTINGS,
        "units": {"A01": 11, "A02": 12},
        "milestones": {"first_up": "2026-12-30", "election": "2027-03-12"},
    },
    EventType.UNIT_ADDED: {**UNIT_STATE, "members": 1538, "organisations": 19},
    EventType.UNIT_REMOVED: UNIT_STATE,
    EventType.UNIT_CHANGED: {
        "changes": {
            "secretary_post": {"old": "", "new": "党委书记"},
            "rule_profile": {"old": "grassroots", "new": "local_congress"},
        }
    },
    EventType.ALLOCATION_PROPOSED: {
        "proposal_id": 1,
        "total_seats": 300,
        "minimum": 1,
        "member_weight": "4/5",
        "units": [
            {"code": "A01", "key": "城关镇党委", "members": 1538, "organisations": 19, "seats": 11}
        ],
    },
    EventType.ALLOCATION_ADJUSTED: {
        "reason": "照顾边远乡镇",
        "changes": {"城关镇党委": {"old": 11, "new": 12}},
        "total": 301,
        "total_seats": 300,
    },
    EventType.ALLOCATION_CONFIRMED: {"total_seats": 300, "units": {"城关镇党委": 11}},
    EventType.ALLOCATION_REOPENED: {"reason": "名额测算有误"},
    EventType.TARGET_ADDED: {
        "unit": None,
        "category": "under_35",
        "comparator": ">=",
        "threshold": "1/10",
        "base": "share",
        "note": "",
    },
    EventType.TARGET_REMOVED: {"target": "妇女不低于 27.0%"},
    EventType.MILESTONES_PLANNED: {
        "start": "2026-12-02",
        "spans": {"deployment": 5, "first_up": 15},
        "deadlines": {"deployment": "2026-12-09", "first_up": "2026-12-30"},
    },
    EventType.MILESTONE_CHANGED: {
        "stage": "first_up",
        "old": {"deadline": "2026-12-30", "note": ""},
        "new": {"deadline": "2027-01-05", "note": "元旦顺延"},
    },
    EventType.MILESTONE_COMPLETED: {
        "stage": "first_up",
        "deadline": "2026-12-30",
        "completed_on": "2026-12-28",
    },
    EventType.CALENDAR_OVERRIDE_SET: {
        "date": "2027-10-07",
        "old": None,
        "new": {"is_working_day": False, "name": "国庆节"},
    },
    EventType.CALENDAR_OVERRIDE_REMOVED: {
        "date": "2027-10-07",
        "is_working_day": False,
        "name": "国庆节",
    },
    EventType.ELECTION_CREATED: {**ELECTION, "title": "前寨村党支部党员大会", "meeting_date": None},
    EventType.ELECTION_CANDIDATES_ENTERED: {
        **ELECTION,
        "candidates": [MY_NAME, "李乙"],
        "candidate_list": [MY_NAME, "李乙", "赵丙"],
    },
    EventType.ELECTION_CANDIDATES_TAKEN: {
        **ELECTION,
        "unit": 3,
        "list": 7,
        "decided_on": "2026-11-20",
        "submitted_on": "2026-11-22",
        "reviewed_on": "2026-11-25",
        "approved_by": "示范市委",
        "replaced_list": None,
        "replaced": [],
        "candidates": [
            {"name": MY_NAME, "citizen_id": ME, "origin": "unit", "nominated_by": ""},
            {"name": "李乙", "citizen_id": "", "origin": "higher", "nominated_by": "示范市委"},
        ],
        "candidate_list": [MY_NAME, "李乙"],
    },
    EventType.ELECTION_ELECTORATE_DRAWN: {
        **ELECTION,
        "on": "2026-12-02",
        "members_in_unit": 120,
        "with_voting_rights": 114,
        "without_voting_rights": 6,
    },
    EventType.ELECTION_VOTER_EXCLUDED: {**ELECTION, "reason": "abroad", "approval": "支委会批准"},
    EventType.ELECTION_STAFF_ASSIGNED: {
        **ELECTION,
        "role": "teller",
        "name": "周慧",
        "user": "teller3",
        "candidate_list": [MY_NAME, "李乙"],
    },
    EventType.ELECTION_OPENED: {
        **ELECTION,
        "electorate": {
            "due": 114,
            "citizen_ids": [ME, OTHER],
            "digest": "ab" * 32,
            "excluded": [
                {"citizen_id": OTHER, "name": "李乙", "reason": "abroad", "approval": "批准"}
            ],
        },
        "candidate_list": [MY_NAME, "李乙"],
        "staff": [{"role": "chief_scrutineer", "name": "赵丙"}, {"role": "teller", "name": "周慧"}],
        "chief_scrutineer": "teller",
    },
    EventType.ELECTION_ATTENDANCE_CHANGED: {
        **ELECTION,
        "present": True,
        "due": 114,
        "present_count": 80,
    },
    EventType.ELECTION_METHOD_ADOPTED: {
        **ELECTION,
        "method": "采用无记名投票方式差额选举",
        "due": 114,
        "present": 102,
    },
    EventType.ELECTION_ROUND_OPENED: {
        **ELECTION,
        "round": 1,
        "kind": "formal",
        "seats": 3,
        "parent_round": None,
        "reason": "",
        "sitting": 1,
        "candidates": [MY_NAME, "李乙"],
    },
    EventType.ELECTION_BALLOTS_PRINTED: {
        **ELECTION,
        "round": 1,
        "first": 1,
        "copies": 120,
        "printed_total": 120,
        "candidates": [MY_NAME, "李乙"],
    },
    EventType.ELECTION_BALLOTS_ISSUED: {
        **ELECTION,
        "round": 1,
        "kind": "formal",
        "seats": 3,
        "due_voters": 114,
        "present_voters": 102,
        "ballots_issued": 102,
        "candidates": [MY_NAME, "李乙"],
    },
    EventType.ELECTION_BATCH_CREATED: {**ELECTION, "round": 1, "batch": 1, "ballot_count": 50},
    EventType.ELECTION_ENTRY_SUBMITTED: {
        **ELECTION,
        "round": 1,
        "batch": 1,
        "pass": 2,
        "ballots": 50,
        "doubtful": 1,
        "digest": "ab" * 32,
    },
    EventType.ELECTION_BATCH_SETTLED: {
        **ELECTION,
        "round": 1,
        "batch": 1,
        "ballots": 50,
        "void": 1,
        "decided": 1,
    },
    EventType.ELECTION_BALLOT_DECIDED: {
        **ELECTION,
        "round": 1,
        "batch": 1,
        "seq": 7,
        "readings": [{"marks": "10", "write_ins": [], "void": False}, None],
        "decision": {"marks": "10", "write_ins": [], "void": False},
        "reason": "划票清楚",
    },
    EventType.ELECTION_GROUP_TOTALS_ENTERED: {
        **ELECTION,
        "round": 1,
        "label": "第一计票组",
        "ballots_collected": 50,
        "ballots_void": 1,
        "tallies": {
            MY_NAME: {"in_favour": 20, "against": 10},
            "李乙": {"in_favour": 40, "against": 2},
        },
        "write_ins": [],
    },
    EventType.ELECTION_ROUND_COUNTED: {
        **ELECTION,
        "round": 1,
        "kind": "formal",
        "seats": 3,
        "due_voters": 114,
        "present_voters": 102,
        "ballots_issued": 102,
        "candidates": [MY_NAME, "李乙"],
        "ballot_kinds": 4,
        "group_tallies": [],
        "ballots_digest": "ab" * 32,
        "result": RESULT,
    },
    EventType.ELECTION_RESULT_RELEASED: {
        **ELECTION,
        "round": 2,
        "outcome": "complete",
        "elected": [MY_NAME],
    },
    EventType.ELECTION_CONCLUDED: {**ELECTION, "elected": [MY_NAME, "李乙"]},
    EventType.ELECTION_RESULT_REPORTED: {
        **ELECTION,
        "elected": [{"name": MY_NAME, "votes": 70, "round": 2}],
        "rounds": [
            {"round": 1, "kind": "formal", "outcome": "shortfall", "seats": 3},
            {"round": 2, "kind": "separate", "outcome": "complete", "seats": 1},
        ],
    },
    EventType.ELECTION_DELEGATE_CONFIRMED: {**ELECTION, "name": MY_NAME, "round": 2},
    EventType.ELECTION_DELEGATE_REMOVED: {
        **ELECTION,
        "name": MY_NAME,
        "round": 2,
        "reason": "调离本选举单位",
    },
    EventType.ELECTION_SEATS_REDUCED: {
        **ELECTION,
        "round": 2,
        "seats_before": 3,
        "seats_after": 2,
        "agreed_by": "electors",
        "voters": 102,
        "votes_for": 90,
        "votes_against": 5,
        "votes_abstain": 7,
        "reduction_ratio": "2/3",
    },
    EventType.ELECTION_SITTING_OPENED: {
        **ELECTION,
        "sitting": 2,
        "reason": "李乙代表资格终止",
        "previous_sitting": {"sitting": 1, "due": 114, "present": 102, "present_digest": "ab" * 32},
    },
    EventType.ELECTION_MEETING_DATE_SET: {
        **ELECTION,
        "previous_date": "2027-03-12",
        "meeting_date": "2027-03-13",
        "reason": "会场冲突",
    },
    EventType.BOOK_EXPORTED: {
        "format": "pdf",
        "scope": "unit",
        "citizen_ids": [ME],
        "sm3": "ab" * 32,
    },
    EventType.UNIT_FORM_EXPORTED: {
        "format": "xlsx",
        "organisation": "A01",
        "events": 40,
        "sm3": "ab" * 32,
    },
    EventType.NOMINATION_ROUND_OPENED: {
        "names_per_form": 10,
        "pool_multiple": "8/1",
        "deadline": "2026-12-30",
        "units": [{"unit": "城关镇党委", "seats": 11, "pool_limit": 88}],
        "settings": SETTINGS,
    },
    EventType.NOMINATION_REPORT_UPDATED: {
        **BRANCH,
        "meeting_date": "2026-12-01",
        "meeting_place": "党员活动室",
        "presider": "支部书记",
        "members_due": 120,
        "members_present": 102,
        "accountable_person": "支部书记 王某",
        "mode": "totals",
        "survey_total": 102,
        "survey_satisfied": 100,
        "survey_basic": 2,
        "survey_dissatisfied": 0,
    },
    EventType.NOMINATION_FORM_ENTERED: {
        **BRANCH,
        "form_no": 20,
        "probationary": False,
        "candidates": [ME, OTHER],
    },
    EventType.NOMINATION_FORM_REMOVED: {**BRANCH, "form_no": 20, "candidates": [ME, OTHER]},
    EventType.NOMINATION_TOTALS_ENTERED: {**BRANCH, "counts": COUNTS},
    EventType.NOMINATION_PARTICIPATION_RECORDED: {
        **BRANCH,
        "modes": {ME: "onsite", OTHER: "home"},
        "by_mode": {"onsite": 1, "home": 1},
    },
    EventType.NOMINATION_IMPORTED: {
        **BRANCH,
        "file": "推荐票.xlsx",
        "sha256": "ab" * 32,
        "mode": "forms",
        "taken": 20,
    },
    EventType.NOMINATION_REPORT_SUBMITTED: {
        **BRANCH,
        "meeting": {
            "date": "2026-12-01",
            "place": "党员活动室",
            "presider": "支部书记",
            "members_due": 120,
            "members_present": 102,
        },
        "mode": "totals",
        "forms": 0,
        "counts": COUNTS,
        "participation": {"现场": 100, "上门": 2},
        "flags": {ME: ["同级人大代表"]},
        "deadline": "2026-12-30",
    },
    EventType.NOMINATION_LATE_ACCEPTED: {
        **BRANCH,
        "meeting": {
            "date": "2026-12-01",
            "place": "党员活动室",
            "presider": "支部书记",
            "members_due": 120,
            "members_present": 102,
        },
        "mode": "forms",
        "forms": 102,
        "counts": COUNTS,
        "participation": {"现场": 102},
        "flags": {},
        "deadline": "2026-12-30",
        "late_reason": "大雪封路",
    },
    EventType.NOMINATION_REPORT_CORRECTED: {
        **BRANCH,
        "reason": "汇总时漏计一张",
        "before": COUNTS,
        "after": [{**COUNTS[0]}, {**COUNTS[1], "votes": 3}],
    },
    EventType.NOMINATION_ORG_RECOMMENDED: {"candidate": ME, "name": MY_NAME, "reason": "工作突出"},
    EventType.NOMINATION_LIST_DECIDED: {
        "kind": "pool",
        "decided_on": "2026-12-20",
        "attendance_due": 7,
        "attendance_present": 7,
        "decision": "同意上报",
        "seats": 11,
        "pool_limit": 88,
        "minimum_candidates": 13,
        "list": [
            {"citizen_id": OTHER, "name": "李乙", "votes": 65, "org_recommended": False},
            {"citizen_id": ME, "name": MY_NAME, "votes": 2, "org_recommended": True},
        ],
    },
    EventType.NOMINATION_SHORTLIST_DECIDED: {
        "kind": "shortlist",
        "decided_on": "2027-01-05",
        "attendance_due": 7,
        "attendance_present": 6,
        "decision": "确定考察对象",
        "seats": 11,
        "pool_limit": 88,
        "minimum_candidates": 13,
        "list": [{"citizen_id": ME, "name": MY_NAME, "votes": 2, "org_recommended": False}],
    },
    EventType.NOMINATION_SHORTLIST_HANDED_DOWN: {
        "list": [{"citizen_id": ME, "name": MY_NAME}, {"citizen_id": OTHER, "name": "李乙"}]
    },
    EventType.NOMINATION_EXEMPTION_DECIDED: {
        "decided_on": "2027-01-06",
        "decision": "同意继续作为人选",
        "warning": ["同级人大代表"],
    },
    EventType.NOMINATION_FEEDBACK_SUBMITTED: {
        "meeting_date": "2027-01-10",
        "members_due": 120,
        "members_present": 100,
        "deadline": "2027-02-04",
        "late_reason": "",
        "views": [
            {"citizen_id": ME, "name": MY_NAME, "agree": 90, "disagree": 6, "abstain": 4},
            {"citizen_id": OTHER, "name": "李乙", "agree": 95, "disagree": 3, "abstain": 2},
        ],
        "write_ins": [{"citizen_id": "110101198003033456", "name": "孙丁", "votes": 3}],
    },
    EventType.NOMINATION_MEETING_CORRECTED: {
        **BRANCH,
        "reason": "签到表漏记一人",
        "before": {
            "meeting_date": "2026-12-01",
            "meeting_place": "党员活动室",
            "presider": "支部书记",
            "members_due": 120,
            "members_present": 6,
        },
        "after": {
            "meeting_date": "2026-12-02",
            "meeting_place": "党员活动室",
            "presider": "支部书记",
            "members_due": 120,
            "members_present": 7,
        },
        "changed": ["meeting_date", "members_present"],
    },
    EventType.NOMINATION_LIST_CORRECTED: {
        "kind": "pool",
        "reason": "会议记录有误",
        "before": {
            "decided_on": "2026-12-20",
            "attendance_due": 7,
            "attendance_present": 5,
            "decision": "同意上报",
        },
        "after": {
            "decided_on": "2026-12-20",
            "attendance_due": 7,
            "attendance_present": 6,
            "decision": "同意按得票顺序上报",
        },
        "changed": ["attendance_present", "decision"],
    },
    EventType.NOMINATION_FEEDBACK_CORRECTED: {
        "branch": "前寨村党支部",
        "reason": "会议日期填错",
        "before": {"meeting_date": "2027-01-10", "members_due": 120, "members_present": 100},
        "after": {"meeting_date": "2027-01-11", "members_due": 120, "members_present": 100},
        "changed": ["meeting_date"],
    },
    EventType.NOMINATION_ROUND_CLOSED: {
        "unit": "城关镇党委",
        "stage": "first_up",
        "closed_on": "2027-01-05",
        "deadline": "2026-12-30",
        "reason": "两个党支部经催报仍未报送",
        "overdue_branches": ["前寨村党支部", "后寨村党支部"],
    },
    EventType.NOMINATION_LATE_REPORT_ADMITTED: {
        **BRANCH,
        "meeting": {
            "date": "2026-12-28",
            "place": "党员活动室",
            "presider": "支部书记",
            "members_due": 120,
            "members_present": 102,
        },
        "mode": "totals",
        "forms": 0,
        "counts": COUNTS,
        "participation": {"现场": 102},
        "flags": {},
        "deadline": "2026-12-30",
        "late_reason": "会议记录已按时形成，报送时系统故障",
        "review": [
            {
                "organisation": "城关镇党委",
                "kind": "shortlist",
                "out": [{"citizen_id": OTHER, "name": "李乙"}],
                "in": [{"citizen_id": ME, "name": MY_NAME}],
            }
        ],
    },
    EventType.NOMINATION_LIST_REOPENED: {
        "kind": "shortlist",
        "level": "城关镇党委",
        "decided_on": "2027-01-05",
        "was": "已集体研究确定",
        "reopened_on": "2027-01-08",
        "reason": "受理逾期报送后排名变化，重新研究",
        "feedback_count": 0,
        "review_note": "",
        "list": [{"citizen_id": OTHER, "name": "李乙"}, {"citizen_id": ME, "name": MY_NAME}],
    },
    # vetting
    EventType.VETTING_SETTINGS_CHANGED: {
        "old": {"departments": ["纪检"], "reply_working_days": 5},
        "new": {
            "check_items": ["党员档案", "职业身份"],
            "departments": ["纪检", "公安"],
            "evaluation_dimensions": ["政治表现"],
            "not_considered_reasons": ["其他"],
            "reply_working_days": 7,
        },
    },
    EventType.VETTING_CASES_OPENED: {
        "shortlist": 3,
        "decided_on": "2026-11-02",
        "persons": [{"citizen_id": ME, "name": MY_NAME}, {"citizen_id": OTHER, "name": "李乙"}],
        "settings": {"departments": ["纪检"]},
    },
    EventType.VETTING_TEAM_FORMED: {
        "name": "第一考察组",
        "formed_on": "2026-12-02",
        "leader": "王组长",
        "members": ["赵组员"],
        "outside_members": [{"name": "钱外聘", "post": "退休干部"}],
    },
    EventType.VETTING_TEAM_CHANGED: {
        "reason": "增加成员",
        "before": {"leader": "王组长", "members": [], "outside_members": []},
        "after": {"leader": "王组长", "members": ["孙组员"], "outside_members": []},
    },
    EventType.VETTING_CASES_ASSIGNED: {
        "team": "第一考察组",
        "persons": [{"citizen_id": ME, "name": MY_NAME}, {"citizen_id": OTHER, "name": "李乙"}],
    },
    EventType.VETTING_NOTICE_ISSUED: {
        "notice": 1,
        "issued_on": "2026-12-01",
        "starts_on": "2026-12-03",
        "ends_on": "2026-12-08",
        "scope": "本单位党员群众",
        "contact_person": "钱联络",
        "contact_phone": "0735-1234567",
        "persons": [{"citizen_id": ME, "name": MY_NAME}],
    },
    EventType.VETTING_TALKS_RECORDED: {
        "case": 1,
        "name": MY_NAME,
        "counts": {"领导班子成员": 3, "党员": 8, "群众": 4},
        "before": {},
    },
    EventType.VETTING_TALK_NOTE_ADDED: {
        "case": 1,
        "name": MY_NAME,
        "talk": 2,
        "category": "党员",
        "talked_on": "2026-12-02",
        "note_sha256": "0" * 64,
    },
    EventType.VETTING_EVALUATION_ENTERED: {
        "case": 1,
        "name": MY_NAME,
        "held_on": "2026-12-02",
        "due": 40,
        "participants": 38,
        "counts": {"政治表现": {"优秀": 36, "称职": 2, "基本称职": 0, "不称职": 0}},
    },
    EventType.VETTING_EVALUATION_IMPORTED: {
        "file_name": "民主测评.xlsx",
        "rows": [
            {
                "row": 3,
                "citizen_id": ME,
                "name": MY_NAME,
                "held_on": "2026-12-02",
                "due": 40,
                "participants": 38,
                "counts": {"政治表现": {"优秀": 38}},
            },
            {"row": 4, "citizen_id": OTHER, "name": "李乙", "due": 40, "participants": 39},
        ],
    },
    EventType.VETTING_REPORT_WRITTEN: {
        "case": 1,
        "name": MY_NAME,
        "material": "政治立场坚定，工作实绩突出。",
        "opinion": "agree",
        "reasons": "",
    },
    EventType.VETTING_REPORT_SIGNED: {
        "case": 1,
        "name": MY_NAME,
        "signed_on": "2026-12-02",
        "opinion": "disagree",
        "reasons": "群众公认度不高",
    },
    EventType.VETTING_CHECK_RECORDED: {
        "case": 1,
        "name": MY_NAME,
        "item": "线索具体的信访举报",
        "checked_on": "2026-12-02",
        "checked_by": "孙组织员",
        "finding": "problem",
        "detail": "反映收受礼金，经查属实",
        "disqualification": "廉洁上有风险",
        "replaces": None,
    },
    EventType.VETTING_DEPARTMENT_REQUESTED: {
        "department": "纪检",
        "sent_on": "2026-12-02",
        "working_days": 5,
        "due_on": "2026-12-09",
        "persons": [{"citizen_id": ME, "name": MY_NAME}, {"citizen_id": OTHER, "name": "李乙"}],
    },
    EventType.VETTING_DEPARTMENT_REMINDED: {
        "department": "纪检",
        "reminded_on": "2026-12-10",
        "reminder": 1,
        "due_on": "2026-12-09",
        "note": "电话催办",
        "waiting": [MY_NAME, "李乙"],
    },
    EventType.VETTING_DEPARTMENT_REPLIED: {
        "case": 1,
        "name": MY_NAME,
        "department": "公安",
        "due_on": "2026-12-09",
        "citizen_id": ME,
        "outcome": "further",
        "detail": "有信访件待核",
        "reviewer": "吴警官",
        "replied_on": "2026-12-10",
        "late": True,
        "replaces": None,
    },
    EventType.VETTING_DEPARTMENT_REPLIES_IMPORTED: {
        "department": "纪检",
        "file_name": "联审回复.xlsx",
        "due_on": "2026-12-09",
        "replies": [
            {
                "row": 3,
                "citizen_id": ME,
                "name": MY_NAME,
                "outcome": "clear",
                "detail": "",
                "reviewer": "周审查",
                "replied_on": "2026-12-02",
                "late": False,
            },
            {"row": 4, "citizen_id": OTHER, "name": "李乙", "outcome": "problem", "detail": "诫勉"},
        ],
    },
    EventType.VETTING_FOUR_MUST_RECORDED: {
        "case": 1,
        "name": MY_NAME,
        "item": "个人有关事项报告必核",
        "done_on": "2026-12-02",
        "done_by": "孙组织员",
        "finding": "clear",
        "detail": "",
        "disqualification": "",
        "cadre_rank": "section",
    },
    EventType.VETTING_VETO_APPLIED: {
        "case": 1,
        "name": MY_NAME,
        "veto": 1,
        "reason": "目前还在处分影响期内",
        "source": "registry",
        "source_label": "导入处分：处分名单.xlsx",
        "finding": "目前还在处分影响期内（党内警告，影响期至 2027-06-01）",
    },
    EventType.VETTING_VETO_LIFTED: {
        "case": 1,
        "name": MY_NAME,
        "veto": 1,
        "reason_vetoed": "廉洁上有风险",
        "source_label": "六必查“线索具体的信访举报”",
        "finding": "反映收受礼金",
        "decided_on": "2026-12-02",
        "attendance_due": 9,
        "attendance_present": 8,
        "lift_reason": "经复核，礼金已按规定上交登记",
    },
    EventType.VETTING_ELIGIBILITY_FLAGGED: {
        "case": 1,
        "name": MY_NAME,
        "flag": "被留置，表决权暂停",
        "source": "导入党员：党员名册.xlsx",
    },
    EventType.VETTING_EXEMPTION_DECIDED: {
        "case": 1,
        "name": MY_NAME,
        "exemption": 1,
        "decided_on": "2026-12-02",
        "decision": "工作需要，同意交叉",
        "warning": ["同级人大代表，一般不交叉，须记录豁免决定"],
    },
    EventType.VETTING_CANDIDATES_DECIDED: {
        "decided_on": "2026-12-02",
        "attendance_due": 9,
        "attendance_present": 8,
        "decision": "同意列为初步人选",
        "votes": [
            {"citizen_id": ME, "name": MY_NAME, "votes": 8, "selected": True},
            {"citizen_id": OTHER, "name": "李乙", "votes": 4, "selected": False},
        ],
    },
    EventType.VETTING_SET_ASIDE: {
        "case": 1,
        "name": MY_NAME,
        "reason": "结构比例调整",
        "detail": "",
        "decided_on": "2026-12-02",
    },
    EventType.VETTING_WITHDRAWN: {
        "case": 1,
        "name": MY_NAME,
        "reason": "本人申请退出",
        "detail": "",
        "withdrawn_on": "2026-12-02",
    },
    # notice
    EventType.NOTICE_PREPARED: {
        "notice": 1,
        "kind": "preliminary",
        "scope": "unit",
        "channels": ["公示栏", "内网"],
        "working_days": 5,
        "published_on": None,
        "ends_on": None,
        "closed_on": None,
        "contact_phone": "0735-2223333",
        "contact_address": "人民路1号",
        "persons": [{"citizen_id": ME, "name": MY_NAME}, {"citizen_id": OTHER, "name": "李乙"}],
    },
    EventType.NOTICE_PUBLISHED: {
        "notice": 1,
        "kind": "candidates",
        "scope": "public",
        "channels": ["报刊"],
        "working_days": 5,
        "published_on": "2026-11-11",
        "ends_on": "2026-11-18",
        "closed_on": None,
        "contact_phone": "0735-2223333",
        "contact_address": "人民路1号",
        "persons": [{"citizen_id": ME, "name": MY_NAME}],
    },
    EventType.NOTICE_EXTENDED: {
        "notice": 1,
        "old_working_days": 5,
        "old_ends_on": "2026-11-18",
        "working_days": 7,
        "ends_on": "2026-11-20",
        "reason": "补充公示渠道",
    },
    EventType.NOTICE_CLOSED: {
        "notice": 1,
        "kind": "preliminary",
        "scope": "unit",
        "channels": ["公示栏"],
        "working_days": 5,
        "published_on": "2026-11-11",
        "ends_on": "2026-11-18",
        "closed_on": "2026-11-19",
        "contact_phone": "0735-2223333",
        "contact_address": "人民路1号",
        "persons": [{"citizen_id": ME, "name": MY_NAME}],
    },
    EventType.NOTICE_OBJECTION_RECEIVED: {
        "objection": 1,
        "notice": 1,
        "name": MY_NAME,
        "received_on": "2026-11-13",
        "channel": "letter",
        "anonymous": True,
        "content_sha256": "0" * 64,
        "attachments": 1,
    },
    EventType.NOTICE_OBJECTION_ASSIGNED: {
        "objection": 1,
        "notice": 1,
        "name": MY_NAME,
        "handler": "纪检王",
        "previous_handler": "",
        "assigned_on": "2026-11-14",
    },
    EventType.NOTICE_OBJECTION_INVESTIGATED: {
        "objection": 1,
        "notice": 1,
        "name": MY_NAME,
        "investigated_on": "2026-11-20",
        "findings_sha256": "0" * 64,
    },
    EventType.NOTICE_OBJECTION_CONCLUDED: {
        "objection": 1,
        "notice": 1,
        "name": MY_NAME,
        "received_on": "2026-11-13",
        "conclusion": "true",
        "disqualification": "廉洁上有风险",
        "concluded_on": "2026-11-21",
        "set_aside": True,
    },
    EventType.NOTICE_PLACEMENT_ADDED: {
        "placement": 1,
        "unit": "城关镇党委",
        "nominated_by": "市委",
        "placed_on": "2026-11-20",
        "reason": "市委提名",
    },
    EventType.NOTICE_SLATE_SUGGESTED: {
        "pool_size": 6,
        "seats": 3,
        "ratio": "1/5",
        "list_size": 4,
        "targets": ["妇女不低于 25.0%"],
        "suggested": [1, 2, 3, 4],
        "suggested_names": ["王芳", "丁一", MY_NAME, "李乙"],
        "total_support": 180,
        "top_support": 180,
        "feasible": True,
    },
    EventType.NOTICE_LIST_DECIDED: {
        "list": 1,
        "decided_on": "2026-12-02",
        "attendance_due": 9,
        "attendance_present": 8,
        "decision": "同意确定为候选人预备人选",
        "seats": 3,
        "ratio": "1/5",
        "minimum": 4,
        "adopted_suggestion": True,
        "superseded": None,
        "votes": [
            {"citizen_id": ME, "name": MY_NAME, "votes": 8, "selected": True, "origin": "unit"},
            {
                "citizen_id": OTHER,
                "name": "李乙",
                "votes": 3,
                "selected": False,
                "origin": "higher",
            },
        ],
    },
    EventType.NOTICE_LIST_SUBMITTED: {
        "list": 1,
        "submitted_on": "2026-12-03",
        "method": "集体研究确定",
        "principles": "坚持差额",
        "persons": [{"citizen_id": ME, "name": MY_NAME}],
    },
    EventType.NOTICE_LIST_APPROVED: {
        "list": 1,
        "reviewed_on": "2026-12-04",
        "outcome": "approve",
        "reason": "",
        "persons": [{"citizen_id": ME, "name": MY_NAME, "reason": ""}],
    },
    EventType.NOTICE_LIST_RETURNED: {
        "list": 1,
        "reviewed_on": "2026-12-04",
        "outcome": "return",
        "reason": "结构不合理",
        "persons": [
            {"citizen_id": ME, "name": MY_NAME, "reason": "群众基础不扎实"},
            {"citizen_id": OTHER, "name": "李乙", "reason": ""},
        ],
    },
    EventType.ACTIVITY_RECORDED: {
        "kind": "warning",
        "held_on": "2026-11-20",
        "title": "观看警示教育片",
        "participants": 45,
        "note": "镇党委班子和各村支部书记参加",
        "organisation": "城关镇党委",
    },
    EventType.OVERSIGHT_SURVEY_ENTERED: {
        "unit": "城关镇党委",
        "held_on": "2026-12-01",
        "participants": 120,
        "satisfied": 100,
        "basic": 15,
        "dissatisfied": 3,
        "before": {
            "held_on": "2026-12-01",
            "participants": 120,
            "satisfied": 98,
            "basic": 17,
            "dissatisfied": 3,
        },
        "reason": "满意票点错",
    },
    EventType.OVERSIGHT_REPORT_SENT: {
        "campaign": "市第五次党代会",
        "report_date": "2026-12-02",
        "recipient": "召集机关领导小组",
        "units": 12,
        "overdue_units": ["城关镇党委"],
        "low_units": ["前寨村党支部"],
    },
    EventType.OVERSIGHT_FINDING_RAISED: {
        "kind": "opinion",
        "title": "推荐会议记录不全",
        "organisation": "城关镇党委",
        "due_on": "2026-12-20",
        "text": "支部推荐会议缺少签到表",
        "person": MY_NAME,
        "step": "报送一上推荐结果",
    },
    EventType.OVERSIGHT_FINDING_ANSWERED: {
        "kind": "opinion",
        "title": "推荐会议记录不全",
        "organisation": "城关镇党委",
        "due_on": "2026-12-20",
        "answer": "已补齐签到表并上传",
        "late": False,
    },
    EventType.OVERSIGHT_FINDING_RETURNED: {
        "kind": "opinion",
        "title": "推荐会议记录不全",
        "organisation": "城关镇党委",
        "due_on": "2026-12-20",
        "conclusion": "答复未附材料",
    },
    EventType.OVERSIGHT_FINDING_CLOSED: {
        "kind": "opinion",
        "title": "推荐会议记录不全",
        "organisation": "城关镇党委",
        "due_on": "2026-12-20",
        "conclusion": "整改到位，同意办结",
    },
    EventType.OVERSIGHT_FINDING_ESCALATED: {
        "kind": "opinion",
        "title": "推荐会议记录不全",
        "organisation": "城关镇党委",
        "due_on": "2026-12-20",
        "conclusion": "移交纪检监察机关",
    },
    EventType.OVERSIGHT_ALERT_ACKNOWLEDGED: {
        "alert": "城关镇党委一上已逾期（截止 12月8日）",
        "kind": "milestone_missed",
        "raised_on": "2026-12-09",
    },
}

# Words of the Latin alphabet a reader may meet: document formats, and the extension of a
# file name the user gave.
ALLOWED = frozenset({"PDF", "Word", "Excel", "csv", "xlsx"})
WORD = re.compile(r"[A-Za-z_]{3,}")


def programme_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w not in ALLOWED]


def test_every_event_type_has_a_payload_and_a_template() -> None:
    assert set(EventType) - set(PAYLOADS) == set(), "add a representative payload here"
    assert set(EventType) - set(wording.TEMPLATES) == set(), "add a template in wording.py"


@pytest.mark.parametrize("event_type", list(EventType), ids=lambda t: t.value)
@pytest.mark.parametrize("mode", ["book", "unit_form"])
def test_every_event_type_renders_as_chinese(event_type: EventType, mode: str) -> None:
    payload = PAYLOADS[event_type]
    who = wording.Who(ME, MY_NAME) if mode == "book" else wording.Who()
    # The template itself, not the fallback: it must read the shape its service writes.
    text = wording.TEMPLATES[event_type](payload, who)
    assert text.strip(), f"{event_type.value} says nothing"
    assert programme_words(text) == [], text
    assert "…" not in text
    assert not re.search(r"[0-9a-f]{32}", text), "a hash on paper"
    if mode == "book":
        assert OTHER not in text and ME not in text, "citizen IDs on paper"


def test_the_example_of_the_recommendation_meeting() -> None:
    text = wording.describe(
        EventType.NOMINATION_REPORT_SUBMITTED.value,
        PAYLOADS[EventType.NOMINATION_REPORT_SUBMITTED],
        citizen_id=ME,
        name=MY_NAME,
    )
    assert "推荐会议：2026年12月1日，党员活动室，主持人 支部书记；应到 120 人，实到 102 人" in text
    assert "推荐人选共 2 人，本人列第 2 位，得票 2 票（其中预备党员 0 票）" in text
    assert "65" not in text  # another person's votes stay out of this book


def test_the_unit_form_lists_everyone() -> None:
    text = wording.describe(
        EventType.NOMINATION_TOTALS_ENTERED.value, PAYLOADS[EventType.NOMINATION_TOTALS_ENTERED]
    )
    assert "李乙 得票 65 票（其中预备党员 1 票）" in text
    assert f"{MY_NAME} 得票 2 票" in text


def test_a_lost_round_shows_the_persons_votes() -> None:
    text = wording.describe(
        EventType.ELECTION_ROUND_COUNTED.value,
        PAYLOADS[EventType.ELECTION_ROUND_COUNTED],
        citizen_id=ME,
        name=MY_NAME,
    )
    assert "第 1 轮 正式选举" in text
    assert "本人赞成 40 票，不赞成 40 票，弃权 18 票，未当选" in text
    assert "当选人数少于应选名额" in text


def test_shares_are_percentages() -> None:
    text = wording.describe(EventType.CAMPAIGN_CREATED.value, PAYLOADS[EventType.CAMPAIGN_CREATED])
    assert "党员参与率目标 95%" in text and "党组织参与率目标 100%" in text
    assert "19/20" not in text


def test_an_unknown_type_and_unknown_keys_get_chinese_labels() -> None:
    text = wording.describe(
        "vetting.six_checks_done",
        {"opinion": "无问题", "secret_sauce": "已核", "status": "passed", "sha256": "ab" * 32},
    )
    assert text == "意见：无问题；其他情况：已核"
    assert programme_words(text) == []


def test_an_old_shape_falls_back_instead_of_failing() -> None:
    text = wording.describe(EventType.ELECTION_ROUND_COUNTED.value, {"round": 1, "result": "x"})
    assert programme_words(text) == []


def test_an_unknown_code_value_is_never_shown() -> None:
    assert wording.label("round_kind", "sideways") == "（未登记的取值）"
    assert wording.label("round_kind", "formal") == "正式选举"


def test_inputs_text_is_never_cut() -> None:
    many = [
        {
            "citizen_id": f"1101011990010{i:05d}",
            "name": f"人{i}",
            "votes": i,
            "probationary_votes": 0,
        }
        for i in range(60)
    ]
    text = books.inputs_text(
        {**BRANCH, "counts": many}, event_type=EventType.NOMINATION_TOTALS_ENTERED.value
    )
    assert "人59 得票 59 票" in text and "…" not in text


def test_a_correction_says_what_changed_with_labels() -> None:
    text = wording.describe(
        EventType.NOMINATION_MEETING_CORRECTED.value,
        PAYLOADS[EventType.NOMINATION_MEETING_CORRECTED],
    )
    assert text == (
        "前寨村党支部（城关镇党委）；更正推荐会议情况：会议日期由 2026年12月1日 改为 "
        "2026年12月2日，实到会党员由 6 人改为 7 人；理由：签到表漏记一人"
    )
    text = wording.describe(
        EventType.NOMINATION_LIST_CORRECTED.value, PAYLOADS[EventType.NOMINATION_LIST_CORRECTED]
    )
    assert "实到会人数由 5 人改为 6 人" in text
    assert "研究决定由“同意上报”改为“同意按得票顺序上报”" in text
    assert "理由：会议记录有误" in text and "应到会人数" not in text  # unchanged: left out


def test_the_meeting_date_is_set_or_corrected() -> None:
    payload = PAYLOADS[EventType.ELECTION_MEETING_DATE_SET]
    text = wording.describe(EventType.ELECTION_MEETING_DATE_SET.value, payload)
    assert text == "会议日期由 2027年3月12日 更正为 2027年3月13日；理由：会场冲突"
    first = {**payload, "previous_date": None, "reason": ""}
    text = wording.describe(EventType.ELECTION_MEETING_DATE_SET.value, first)
    assert text == "确定会议日期为 2027年3月13日"


ACCOUNT_EVENTS = [t for t in EventType if t.value.startswith("core.")]


def test_account_events_read_as_a_form_and_never_show_a_password() -> None:
    text = wording.describe(EventType.USER_CHANGED.value, PAYLOADS[EventType.USER_CHANGED])
    assert text.startswith("账户 王五：角色由“监票/计票人员”改为“考察组成员”")
    assert "党组织代码由“A01”改为“A02”" in text and "姓名" not in text
    text = wording.describe(EventType.USER_UNLOCKED.value, PAYLOADS[EventType.USER_UNLOCKED])
    assert text == "账户 王五已解除登录锁定；清除登录失败记录 2 条"
    text = wording.describe(
        EventType.USER_PASSWORD_RESET.value, PAYLOADS[EventType.USER_PASSWORD_RESET]
    )
    assert text == "账户 王五的密码已重置，须在下次登录时修改；清除登录失败记录 1 条"
    # An account event that carried a password by mistake keeps it off the paper, in its
    # template and in the fallback for a type no template knows.
    for event_type in ACCOUNT_EVENTS:
        payload = {**PAYLOADS[event_type], "password": "Secret2026", "new_password": "Other2026"}
        text = wording.describe(event_type.value, payload)
        assert "2026" not in text, text
    text = wording.describe("core.old_kind", {"username": "王五", "password": "Secret2026"})
    assert text == "其他情况：王五"
