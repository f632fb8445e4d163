"""Opening a check: start (or resume) it in a worker with what its screen needs to show
it (the reader's surveyor code, the names and numbers its notes must not quote, the
free text masked for a monitor), then push the check screen. When another chief has
the form's check open, ask first: theirs read-only, or a separate draft of one's own."""

from __future__ import annotations

from typing import Any

from inspect_tui.core.records import field, record


@record
class CheckView:
    """A check as the screen shows it, read in a worker."""

    ctx: Any  # services.review.check.CheckContext
    me: str | None  # the reader's surveyor code: another inspector's check opens read-only
    known: Any  # services.trust.free_text known names and numbers of the form's case
    #: the surveyor's earlier findings this check looks at again (read with the check, so the
    #: screen is laid out once: services.review.followthrough.screen_follow_points)
    follow: list = field(default_factory=list)


def _view(session, ctx) -> CheckView:
    from inspect_tui.services.review.followthrough import screen_follow_points
    from inspect_tui.services.review.queue import my_code
    from inspect_tui.services.review.surveyor import masked_check
    from inspect_tui.services.trust.free_text import known_for_cases, sees_as_typed, viewer

    case_ids = [ctx.check.case_id]
    if not sees_as_typed(session):  # a monitor reads the free text masked (they cannot change it)
        ctx.check = masked_check(ctx.check, viewer(session, case_ids=case_ids))
    follow = screen_follow_points(session, ctx.check.id)
    return CheckView(ctx, my_code(session), known_for_cases(session, case_ids=case_ids), follow)


def started_view(session, **where) -> CheckView:
    """In a worker: start or resume the check asked for (services.review.check.start_check)."""
    from inspect_tui.services.review.check import start_check

    return _view(session, start_check(session, **where))


def opened_view(session, check_id: int) -> CheckView:
    """In a worker: an existing check by id (to view, or to correct when it is one's own)."""
    from inspect_tui.services.review.check import open_check

    return _view(session, open_check(session, check_id))


def open_check_screen(owner, *, chain: bool = False, callback=None, **where) -> None:
    """Start (or resume) a check from ``owner`` (a screen with ``ServiceCalls``) and push its
    screen once it is read; an expected refusal (the inspector wrote the form, no surveyor
    code, …) becomes a message."""
    from inspect_tui.services.review.check import HeldByOther

    app = owner.app

    def opened(view: CheckView) -> None:
        from inspect_tui.tui.screens.review.check import CheckScreen

        app.push_screen(CheckScreen(view, chain=chain), callback)

    def refused(exc: BaseException, text: str) -> None:
        if not isinstance(exc, HeldByOther):
            app.notify(text, title="点検を開けません", severity="error", timeout=10)
            return
        from inspect_tui.tui.screens.review.held import HeldDialog

        first = exc.holders[0]

        def chosen(answer: str | None) -> None:
            if answer == "view":
                owner.call(opened_view, first.check_id, done=opened, failed=refused)
            elif answer == "separate":
                open_check_screen(owner, chain=chain, callback=callback, alongside=True, **where)

        app.push_screen(HeldDialog([h.describe() for h in exc.holders], first.login), chosen)

    owner.write(started_view, done=opened, failed=refused, **where)


def open_existing_check(owner, check_id: int, callback=None) -> None:
    """Open a check by id (the surveyor review's forms), saying whose it is when not one's own."""
    from inspect_tui.tui.screens.review.check import CheckScreen

    def opened(view: CheckView) -> None:
        if view.ctx.check.inspector != view.me:
            owner.notify(f"{view.ctx.inspector_name} の点検です（見るだけ。変更は本人が行います）", timeout=5)
        owner.app.push_screen(CheckScreen(view), callback)

    owner.call(opened_view, check_id, done=opened)
