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
    ELECTION_CANDIDATES_TAKEN = "election.candidates_taken", _("采用批准的候选人预备人选")
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
    NOMINATION_ROUND_CLOSED = "nomination.round_closed", _("结束选举单位的一上或二上")
    NOMINATION_LATE_REPORT_ADMITTED = (
        "nomination.late_report_admitted",
        _("上级决定受理一上结束后的逾期报送"),
    )
    NOMINATION_LIST_REOPENED = "nomination.list_reopened", _("决定重新研究已确定的名单")
    # vetting
    VETTING_SETTINGS_CHANGED = "vetting.settings_changed", _("变更考察审查设置")
    VETTING_CASES_OPENED = "vetting.cases_opened", _("建立考察对象档案")
    VETTING_TEAM_FORMED = "vetting.team_formed", _("组建考察组")
    VETTING_TEAM_CHANGED = "vetting.team_changed", _("调整考察组成员")
    VETTING_CASES_ASSIGNED = "vetting.cases_assigned", _("分配考察任务")
    VETTING_NOTICE_ISSUED = "vetting.notice_issued", _("发布考察预告")
    VETTING_TALKS_RECORDED = "vetting.talks_recorded", _("登记个别谈话人数")
    VETTING_TALK_NOTE_ADDED = "vetting.talk_note_added", _("记录个别谈话")
    VETTING_EVALUATION_ENTERED = "vetting.evaluation_entered", _("录入民主测评结果")
    VETTING_EVALUATION_IMPORTED = "vetting.evaluation_imported", _("导入民主测评结果")
    VETTING_REPORT_WRITTEN = "vetting.inspection_report_written", _("形成考察材料")
    VETTING_REPORT_SIGNED = "vetting.inspection_report_signed", _("考察组组长签署考察意见")
    VETTING_CHECK_RECORDED = "vetting.six_check_recorded", _("六必查核查")
    VETTING_DEPARTMENT_REQUESTED = "vetting.department_requested", _("函请联审部门审查")
    VETTING_DEPARTMENT_REMINDED = "vetting.department_reminded", _("催办联审部门回复")
    VETTING_DEPARTMENT_REPLIED = "vetting.department_replied", _("联审部门回复意见")
    VETTING_DEPARTMENT_REPLIES_IMPORTED = (
        "vetting.department_replies_imported",
        _("导入联审部门回复"),
    )
    VETTING_FOUR_MUST_RECORDED = "vetting.four_must_recorded", _("领导干部四必核查")
    VETTING_VETO_APPLIED = "vetting.veto_applied", _("一票否决")
    VETTING_VETO_LIFTED = "vetting.veto_lifted_by_decision", _("集体研究解除一票否决")
    VETTING_ELIGIBILITY_FLAGGED = "vetting.eligibility_flagged", _("资格复核发现问题")
    VETTING_EXEMPTION_DECIDED = "vetting.exemption_decided", _("考察对象交叉任职豁免决定")
    VETTING_CANDIDATES_DECIDED = "vetting.candidates_decided", _("集体研究确定初步人选")
    VETTING_SET_ASIDE = "vetting.not_considered", _("不予考虑")
    VETTING_WITHDRAWN = "vetting.withdrawn", _("本人退出")
    # notice
    NOTICE_PREPARED = "notice.prepared", _("拟定公示")
    NOTICE_PUBLISHED = "notice.published", _("发布公示")
    NOTICE_EXTENDED = "notice.extended", _("延长公示期")
    NOTICE_CLOSED = "notice.closed", _("公示结束")
    NOTICE_OBJECTION_RECEIVED = "notice.objection_received", _("登记公示期间举报")
    NOTICE_OBJECTION_ASSIGNED = "notice.objection_assigned", _("交办举报核查")
    NOTICE_OBJECTION_INVESTIGATED = "notice.objection_investigated", _("举报核查完毕")
    NOTICE_OBJECTION_CONCLUDED = "notice.objection_concluded", _("举报办结")
    NOTICE_PLACEMENT_ADDED = "notice.placement_added", _("上级提名人选")
    NOTICE_SLATE_SUGGESTED = "notice.slate_suggested", _("测算预备人选建议名单")
    NOTICE_LIST_DECIDED = "notice.candidate_list_decided", _("集体研究确定候选人预备人选")
    NOTICE_LIST_SUBMITTED = "notice.list_submitted_for_approval", _("预备人选报批")
    NOTICE_LIST_APPROVED = "notice.list_approved", _("批准候选人预备人选")
    NOTICE_LIST_RETURNED = "notice.list_returned", _("退回候选人预备人选名单")
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
    EventType.NOMINATION_LATE_REPORT_ADMITTED: Accountability.RECOMMEND,
    EventType.NOMINATION_LIST_REOPENED: Accountability.NOMINATE,
    # vetting: inspection steps answer to the team leader (谁考察谁负责), the departments'
    # and the checks' answers to whoever reviewed (谁审查谁负责), decisions to the unit.
    EventType.VETTING_SETTINGS_CHANGED: Accountability.MANAGE,
    EventType.VETTING_CASES_OPENED: Accountability.NOMINATE,
    EventType.VETTING_TEAM_FORMED: Accountability.INSPECT,
    EventType.VETTING_TEAM_CHANGED: Accountability.INSPECT,
    EventType.VETTING_CASES_ASSIGNED: Accountability.INSPECT,
    EventType.VETTING_NOTICE_ISSUED: Accountability.INSPECT,
    EventType.VETTING_TALKS_RECORDED: Accountability.INSPECT,
    EventType.VETTING_TALK_NOTE_ADDED: Accountability.INSPECT,
    EventType.VETTING_EVALUATION_ENTERED: Accountability.INSPECT,
    EventType.VETTING_EVALUATION_IMPORTED: Accountability.INSPECT,
    EventType.VETTING_REPORT_WRITTEN: Accountability.INSPECT,
    EventType.VETTING_REPORT_SIGNED: Accountability.INSPECT,
    EventType.VETTING_CHECK_RECORDED: Accountability.REVIEW,
    # The unit sends and chases the departments' requests (谁管理谁负责); each answer names
    # the department's reviewer.
    EventType.VETTING_DEPARTMENT_REQUESTED: Accountability.MANAGE,
    EventType.VETTING_DEPARTMENT_REMINDED: Accountability.MANAGE,
    EventType.VETTING_DEPARTMENT_REPLIED: Accountability.REVIEW,
    EventType.VETTING_DEPARTMENT_REPLIES_IMPORTED: Accountability.REVIEW,
    EventType.VETTING_FOUR_MUST_RECORDED: Accountability.REVIEW,
    EventType.VETTING_VETO_APPLIED: Accountability.REVIEW,
    EventType.VETTING_VETO_LIFTED: Accountability.NOMINATE,
    EventType.VETTING_EXEMPTION_DECIDED: Accountability.NOMINATE,
    EventType.VETTING_CANDIDATES_DECIDED: Accountability.NOMINATE,
    EventType.VETTING_SET_ASIDE: Accountability.NOMINATE,
    # notice: the notice and the lists answer to the unit that decides (谁提名谁负责), the
    # investigation of an objection to whoever investigated (谁审查谁负责), the approval to
    # the convening committee.
    EventType.NOTICE_PUBLISHED: Accountability.NOMINATE,
    EventType.NOTICE_CLOSED: Accountability.NOMINATE,
    EventType.NOTICE_OBJECTION_INVESTIGATED: Accountability.REVIEW,
    EventType.NOTICE_OBJECTION_CONCLUDED: Accountability.REVIEW,
    EventType.NOTICE_PLACEMENT_ADDED: Accountability.NOMINATE,
    EventType.NOTICE_LIST_DECIDED: Accountability.NOMINATE,
    EventType.NOTICE_LIST_SUBMITTED: Accountability.NOMINATE,
    EventType.NOTICE_LIST_APPROVED: Accountability.REVIEW,
    EventType.NOTICE_LIST_RETURNED: Accountability.REVIEW,
    # election
    EventType.ELECTION_CANDIDATES_ENTERED: Accountability.NOMINATE,
    EventType.ELECTION_CANDIDATES_TAKEN: Accountability.NOMINATE,
    EventType.ELECTION_DELEGATE_CONFIRMED: Accountability.REVIEW,
    EventType.ELECTION_DELEGATE_REMOVED: Accountability.REVIEW,
    # oversight: the organisation answering a finding answers for the management
    EventType.OVERSIGHT_FINDING_ANSWERED: Accountability.MANAGE,
}
