"""The one enumeration of record event types. Add new types here, never elsewhere."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    # registry
    ORGANISATIONS_IMPORTED = "registry.organisations_imported", _("导入党组织")
    MEMBERS_IMPORTED = "registry.members_imported", _("导入党员")
    OUTSIDE_LIST_IMPORTED = "registry.outside_list_imported", _("导入外部名单")
    MEMBER_CHANGED = "registry.member_changed", _("党员信息变更")
    # core
    USER_CREATED = "core.user_created", _("创建用户")
    USER_ROLE_CHANGED = "core.user_role_changed", _("变更用户角色")
    USERS_IMPORTED = "core.users_imported", _("导入用户")
    USER_CHANGED = "core.user_changed", _("变更用户信息")
    USER_UNLOCKED = "core.user_unlocked", _("解除登录锁定")
    LOGIN_ADDRESS_UNLOCKED = "core.login_address_unlocked", _("解除客户端地址登录锁定")
    USER_PASSWORD_RESET = "core.user_password_reset", _("重置用户密码")
    USER_PASSWORD_CHANGED = "core.user_password_changed", _("用户修改密码")
    USER_DISABLED = "core.user_disabled", _("停用用户")
    USER_ENABLED = "core.user_enabled", _("启用用户")
    # campaign
    CAMPAIGN_CREATED = "campaign.created", _("创建推选工作")
    CAMPAIGN_SETTINGS_CHANGED = "campaign.settings_changed", _("变更推选工作设置")
    CAMPAIGN_STATUS_CHANGED = "campaign.status_changed", _("推选工作状态变更")
    UNIT_ADDED = "campaign.unit_added", _("增加选举单位")
    UNIT_REMOVED = "campaign.unit_removed", _("删除选举单位")
    UNIT_CHANGED = "campaign.unit_changed", _("变更选举单位信息")
    ALLOCATION_PROPOSED = "campaign.allocation_proposed", _("测算名额分配方案")
    ALLOCATION_ADJUSTED = "campaign.allocation_adjusted", _("调整选举单位名额")
    ALLOCATION_CONFIRMED = "campaign.allocation_confirmed", _("确认名额分配")
    ALLOCATION_REOPENED = "campaign.allocation_reopened", _("撤销名额分配确认")
    TARGET_ADDED = "campaign.target_added", _("增加结构比例目标")
    TARGET_REMOVED = "campaign.target_removed", _("删除结构比例目标")
    MILESTONES_PLANNED = "campaign.milestones_planned", _("编排时间节点")
    MILESTONE_CHANGED = "campaign.milestone_changed", _("调整时间节点")
    MILESTONE_COMPLETED = "campaign.milestone_completed", _("时间节点完成")
    CALENDAR_OVERRIDE_SET = "campaign.calendar_override_set", _("录入节假日安排")
    CALENDAR_OVERRIDE_REMOVED = "campaign.calendar_override_removed", _("删除节假日安排")
    ACTIVITY_RECORDED = "campaign.activity_recorded", _("登记宣传发动和警示教育活动")
    # election
    ELECTION_CREATED = "election.created", _("创建选举会议")
    ELECTION_CANDIDATES_ENTERED = "election.candidates_entered", _("录入候选人名单")
    ELECTION_ELECTORATE_DRAWN = "election.electorate_drawn", _("生成应到会名单")
    ELECTION_VOTER_EXCLUDED = "election.voter_excluded", _("批准不计入应到会人数")
    ELECTION_STAFF_ASSIGNED = "election.staff_assigned", _("确定监票计票人员")
    ELECTION_OPENED = "election.opened", _("选举大会开始签到")
    ELECTION_ATTENDANCE_CHANGED = "election.attendance_changed", _("会议签到")
    ELECTION_METHOD_ADOPTED = "election.method_adopted", _("通过选举办法")
    ELECTION_ROUND_OPENED = "election.round_opened", _("开始新一轮投票")
    ELECTION_BALLOTS_PRINTED = "election.ballots_printed", _("印制选票")
    ELECTION_BALLOTS_ISSUED = "election.ballots_issued", _("发出选票")
    ELECTION_BATCH_CREATED = "election.batch_created", _("建立选票录入批次")
    ELECTION_ENTRY_SUBMITTED = "election.entry_submitted", _("提交选票录入")
    ELECTION_BATCH_SETTLED = "election.batch_settled", _("选票批次核定")
    ELECTION_BALLOT_DECIDED = "election.ballot_decided", _("总监票人裁定选票")
    ELECTION_GROUP_TOTALS_ENTERED = "election.group_totals_entered", _("录入分组计票结果")
    ELECTION_ROUND_COUNTED = "election.round_counted", _("计票")
    ELECTION_RESULT_RELEASED = "election.result_released", _("宣布选举结果")
    ELECTION_CONCLUDED = "election.concluded", _("选举结束")
    ELECTION_RESULT_REPORTED = "election.result_reported", _("选举结果报召集机关")
    ELECTION_DELEGATE_CONFIRMED = "election.delegate_confirmed", _("代表资格确认")
    ELECTION_DELEGATE_REMOVED = "election.delegate_removed", _("终止代表资格")
    ELECTION_SEATS_REDUCED = "election.seats_reduced", _("减少应选名额")
    ELECTION_SITTING_OPENED = "election.sitting_opened", _("补选会议重新签到")
    ELECTION_MEETING_DATE_SET = "election.meeting_date_set", _("确定或更正会议日期")
    # dossier
    BOOK_EXPORTED = "dossier.book_exported", _("导出一人一册")
    UNIT_FORM_EXPORTED = "dossier.unit_form_exported", _("导出纪实登记表")
    # nomination
    NOMINATION_ROUND_OPENED = "nomination.round_opened", _("开始一上推荐")
    NOMINATION_REPORT_UPDATED = "nomination.report_updated", _("填报支部推荐会议情况")
    NOMINATION_FORM_ENTERED = "nomination.form_entered", _("录入推荐表")
    NOMINATION_FORM_REMOVED = "nomination.form_removed", _("删除推荐表")
    NOMINATION_TOTALS_ENTERED = "nomination.totals_entered", _("录入推荐汇总票数")
    NOMINATION_PARTICIPATION_RECORDED = "nomination.participation_recorded", _("登记党员参与")
    NOMINATION_IMPORTED = "nomination.imported", _("导入推荐票")
    NOMINATION_REPORT_SUBMITTED = "nomination.report_submitted", _("报送一上推荐结果")
    NOMINATION_LATE_ACCEPTED = "nomination.late_accepted", _("上级受理逾期报送")
    NOMINATION_REPORT_CORRECTED = "nomination.report_corrected", _("上级更正推荐结果")
    NOMINATION_ORG_RECOMMENDED = "nomination.org_recommended", _("组织推荐人选")
    NOMINATION_LIST_DECIDED = "nomination.list_decided", _("集体研究确定推荐人选")
    NOMINATION_SHORTLIST_DECIDED = "nomination.shortlist_decided", _("集体研究确定考察对象")
    NOMINATION_SHORTLIST_HANDED_DOWN = "nomination.shortlist_handed_down", _("下发考察对象名单")
    NOMINATION_EXEMPTION_DECIDED = "nomination.exemption_decided", _("交叉任职豁免决定")
    NOMINATION_FEEDBACK_SUBMITTED = "nomination.feedback_submitted", _("报送二上意见")
    NOMINATION_MEETING_CORRECTED = "nomination.meeting_corrected", _("上级更正支部推荐会议情况")
    NOMINATION_LIST_CORRECTED = "nomination.list_corrected", _("更正集体研究决定")
    NOMINATION_FEEDBACK_CORRECTED = "nomination.feedback_corrected", _("上级更正二上会议情况")
    # oversight
    OVERSIGHT_REPORT_SENT = "oversight.report_sent", _("报送推选工作进度报告")
    OVERSIGHT_FINDING_RAISED = "oversight.finding_raised", _("提出监督意见")
    OVERSIGHT_FINDING_ANSWERED = "oversight.finding_answered", _("答复监督意见")
    OVERSIGHT_FINDING_RETURNED = "oversight.finding_returned", _("退回监督意见答复")
    OVERSIGHT_FINDING_CLOSED = "oversight.finding_closed", _("办结监督意见")
    OVERSIGHT_FINDING_ESCALATED = "oversight.finding_escalated", _("监督意见提级处理")
    OVERSIGHT_ALERT_ACKNOWLEDGED = "oversight.alert_acknowledged", _("确认知悉预警")
    OVERSIGHT_SURVEY_ENTERED = "oversight.survey_entered", _("录入党员满意度测评结果")


class Accountability(models.TextChoices):
    """The five responsibilities (docs/domain.md §9.2); a step with one names who carries it."""

    RECOMMEND = "recommend", _("谁推荐谁负责")
    NOMINATE = "nominate", _("谁提名谁负责")
    INSPECT = "inspect", _("谁考察谁负责")
    REVIEW = "review", _("谁审查谁负责")
    MANAGE = "manage", _("谁管理谁负责")


# Which responsibility a step of a given type carries. Stages add their types here when
# they add them to EventType; a type missing here carries none of the five.
ACCOUNTABILITY: dict[EventType, Accountability] = {
    EventType.ORGANISATIONS_IMPORTED: Accountability.MANAGE,
    EventType.MEMBERS_IMPORTED: Accountability.MANAGE,
    EventType.OUTSIDE_LIST_IMPORTED: Accountability.MANAGE,
    EventType.MEMBER_CHANGED: Accountability.MANAGE,
    # nomination
    EventType.NOMINATION_REPORT_SUBMITTED: Accountability.RECOMMEND,
    EventType.NOMINATION_LATE_ACCEPTED: Accountability.RECOMMEND,
    EventType.NOMINATION_REPORT_CORRECTED: Accountability.RECOMMEND,
    EventType.NOMINATION_ORG_RECOMMENDED: Accountability.RECOMMEND,
    EventType.NOMINATION_LIST_DECIDED: Accountability.NOMINATE,
    EventType.NOMINATION_SHORTLIST_DECIDED: Accountability.NOMINATE,
    EventType.NOMINATION_SHORTLIST_HANDED_DOWN: Accountability.NOMINATE,
    EventType.NOMINATION_EXEMPTION_DECIDED: Accountability.NOMINATE,
    EventType.NOMINATION_FEEDBACK_SUBMITTED: Accountability.RECOMMEND,
    EventType.NOMINATION_MEETING_CORRECTED: Accountability.RECOMMEND,
    EventType.NOMINATION_LIST_CORRECTED: Accountability.NOMINATE,
    EventType.NOMINATION_FEEDBACK_CORRECTED: Accountability.RECOMMEND,
    # election
    EventType.ELECTION_CANDIDATES_ENTERED: Accountability.NOMINATE,
    EventType.ELECTION_DELEGATE_CONFIRMED: Accountability.REVIEW,
    EventType.ELECTION_DELEGATE_REMOVED: Accountability.REVIEW,
    # oversight: the organisation answering a finding answers for the management
    EventType.OVERSIGHT_FINDING_ANSWERED: Accountability.MANAGE,
}
