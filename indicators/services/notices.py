"""What the collection tells people through site notices (站内通知): a school hears when its form is
returned (with the reason) or approved, and when it is reminded to report. Called inside the services'
transactions, so a notice exists exactly when its event does."""
from django.urls import reverse

from edugov.models import NoticeKind
from edugov.notices import notice_send, school_reporters
from indicators.models import Submission, SubmissionStatus


def notify_reviewed(*, submission: Submission, by) -> int:
    """After a review step (or a reopening): the school's reporters hear of a return or an approval."""
    if submission.school_id is None:
        return 0  # the district's own form: the bureau filled it and sees it on its page
    url = reverse("indicators:submission_form", args=[submission.pk])
    if submission.status == SubmissionStatus.RETURNED:
        return notice_send(recipients=school_reporters(submission.school), kind=NoticeKind.RETURNED,
                           title=f"「{submission.period}」被退回,请按退回意见修改后重新上报",
                           body=f"退回原因:{submission.return_reason}", url=url, sender=by)
    if submission.status == SubmissionStatus.APPROVED:
        return notice_send(recipients=school_reporters(submission.school), kind=NoticeKind.APPROVED,
                           title=f"「{submission.period}」已审核通过", url=url, sender=by)
    return 0
