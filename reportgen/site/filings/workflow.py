"""The spec's workflow table as data; transition() is the one way a filing changes state
by a person's action (uploads and builds move it in services and tasks)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from reportgen.site.accounts.roles import is_clerk, is_reviewer
from reportgen.site.filings.models import Event, Filing, State


@dataclass(frozen=True)
class Action:
    word: str  # the button's text
    role: str  # clerk or reviewer
    sources: tuple[str, ...]
    target: str | None  # None: back to the state before the failed upload
    comment_required: bool = False


ACTIONS = {
    "submit": Action("送审", "clerk", (State.BUILT,), State.SUBMITTED),
    "withdraw": Action("撤回", "clerk", (State.SUBMITTED,), State.BUILT),
    "return": Action("退回", "reviewer", (State.SUBMITTED,), State.RETURNED, comment_required=True),
    "approve": Action("审核通过", "reviewer", (State.SUBMITTED,), State.APPROVED),
    "reopen": Action("重新打开", "reviewer", (State.APPROVED,), State.RETURNED, comment_required=True),
    "discard": Action("放弃本次上传", "clerk", (State.ERRORS,), None),
}
UPLOAD_STATES = (State.NEW, State.BUILT, State.RETURNED, State.ERRORS)


class TransitionRefused(Exception):
    """A Chinese message for the page: the action does not fit the state (now)."""


def may(user, filing: Filing, name: str) -> bool:
    action = ACTIONS[name]
    allowed = is_clerk(user) and user.profile.department_id == filing.department_id \
        if action.role == "clerk" else is_reviewer(user)
    return allowed and filing.state in action.sources


def transition(*, user, filing: Filing, name: str, comment: str = "", request=None) -> Filing:
    """Lock the filing, check role and state, move it, write the Event and the audit line,
    all in one transaction."""
    from reportgen.site.audit.models import record

    action = ACTIONS[name]
    comment = comment.strip()
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("department").get(pk=filing.pk)
        if action.role == "clerk" and not (is_clerk(user) and user.profile.department_id == filing.department_id):
            raise PermissionDenied
        if action.role == "reviewer" and not is_reviewer(user):
            raise PermissionDenied
        if filing.state not in action.sources:
            raise TransitionRefused(f"当前状态为“{filing.get_state_display()}”，不能{action.word}。")
        if action.comment_required and not comment:
            raise TransitionRefused(f"{action.word}须填写意见，说明需要修改什么。")
        before = filing.state
        if name == "discard":
            filing.uploads.filter(status="failed").update(status="discarded")
            target = filing.previous_state or State.NEW
        else:
            target = action.target
        if name == "submit" and filing.current_version is not None:
            filing.current_version.frozen = True
            filing.current_version.save(update_fields=["frozen"])
        filing.state = target
        filing.save(update_fields=["state", "updated"])
        Event.objects.create(filing=filing, user=user, action=action.word, from_state=before, to_state=target,
                             comment=comment)
        record(request, action.word, user=user, obj=str(filing), department=filing.department.name,
               details=comment)
    return filing


def move(filing: Filing, target: str, action: str, *, user=None, comment: str = "") -> None:
    """A state change made by an upload or a build (the caller holds the row lock)."""
    if filing.state == target:
        return
    Event.objects.create(filing=filing, user=user, action=action, from_state=filing.state, to_state=target,
                         comment=comment)
    filing.state = target
