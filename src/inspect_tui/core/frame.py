"""The municipal document frame (config ``[document]``): its own small module, because the
config is read before the app's first paint and core/document.py (every report's typed
parts, ~8 ms to import) is not needed there. core.document re-exports it."""

from __future__ import annotations

from inspect_tui.core.records import record


@record(frozen=True)
class Frame:
    """The municipal document frame: who it is addressed to, who sends it, under which
    contract, who stamps it, and the footer line (config ``[document]``). Every renderer
    prints it; a document without one (a test, a database with no frame) prints as before."""

    addressee: str = ""  # 宛先: 神戸市福祉局介護保険課長 様
    contractor: str = ""  # 受託者の名称
    contractor_address: str = ""  # 受託者の住所
    contract: str = ""  # 契約件名: 神戸市介護保険認定調査業務（C地区）
    manager: str = ""  # 業務責任者名
    #: the seal boxes every sealed document gets (after the report's own signers)
    seals: tuple[str, ...] = ("業務責任者", "確認印")
    footer: str = ""  # the footer line of every page (pdf: with the page number)

    def header_lines(self) -> list[str]:
        """The frame as a few lines (text, md): addressee, contractor, contract."""
        out = []
        if self.addressee:
            out.append(self.addressee)
        sender = "　".join(v for v in (self.contractor_address, self.contractor) if v)
        if sender:
            out.append(f"受託者: {sender}")
        if self.manager:
            out.append(f"業務責任者: {self.manager}")
        if self.contract:
            out.append(f"契約件名: {self.contract}")
        return out
