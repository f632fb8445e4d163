"""What every printed report gets before it is rendered, in one place: the audit chain's
head (its witness) and the municipal document frame.

``finish(session, report)`` is called by the report registry (``ReportKind.make``: the
CLI and the Reports screen), the app's guidance export, and the contract's documents (the
minutes, the training report); nothing else wraps a report. A module of its own so
services.reports and services.contract can both use it without a circle.

The frame is the config file's ``[document]``; on the demo database with no
``[document]``, the demo's own (``DEMO_FRAME``: a fictitious contractor), so a demo
report looks like the real thing. Any other database without ``[document]`` prints
without a frame.
"""

from __future__ import annotations

from inspect_tui.core.frame import Frame
from inspect_tui.core.renderable import Renderable, Witnessed
from inspect_tui.services.session import Session
from inspect_tui.services.trust.audit import head
from inspect_tui.store.report_queries import get_setting

#: the demo's frame: the city's real addressee and contract title, a made-up contractor
DEMO_FRAME = Frame(
    addressee="神戸市福祉局介護保険課長 様",
    contractor="株式会社デモ調査サービス",
    contractor_address="神戸市長田区デモ町1丁目2番3号",
    contract="神戸市介護保険認定調査業務（C地区）",
    manager="デモ 責任者",
    footer="株式会社デモ調査サービス　神戸市介護保険認定調査業務（C地区）",
)


def document_frame(session: Session) -> Frame | None:
    """The frame reports print in: the config's [document], else the demo's on a demo database."""
    if session.config.document is not None:
        return session.config.document
    if get_setting(session.db.conn, "demo") == "1":
        return DEMO_FRAME
    return None


def finish(session: Session, report: Renderable) -> Renderable:
    """The report as it is printed: witnessed by the audit chain's head, in the frame."""
    return Witnessed(report, head(session), document_frame(session))
