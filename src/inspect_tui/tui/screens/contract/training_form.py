"""Recording a training from the Contract screen (7, `t`; managers): the day, the title,
the areas of 001 §8 it covered (a box each), the attendees by surveyor code, who organised
it and how long — what ``inspect-tui training add`` takes, checked by the same service
(services/contract/trainings.py). Ctrl+S saves, Esc cancels (asking when something was
typed), a bad field is named at the top; the training's 研修報告 then comes due 14 days
later in the register."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inspect_tui.tui.screens.quality.form import Field, RecordForm


class TrainingForm(RecordForm):
    FORM_TITLE = "研修の記録（001 §8）"
    ENTITY = "training"
    NOTE = "出席者は調査員コードで書きます（氏名・個人情報は書かない）。"

    def fields(self) -> Sequence[Field]:
        from inspect_tui.services.contract.trainings import AREAS, ORGANIZERS

        return (
            Field("held_on", "実施日", placeholder="例: 2027-06-10 / R9.6.10", required=True),
            Field("title", "研修名", required=True),
            *(
                Field(f"area_{key}", "分野" if i == 0 else "", "check", placeholder=label)
                for i, (key, label) in enumerate(AREAS.items())
            ),
            Field("attendees", "出席者", placeholder="調査員コード（例: S001, S002）", required=True),
            Field("organizer", "主催", "select", [(v, k) for k, v in ORGANIZERS.items()], required=True),
            Field("minutes", "時間（分）", placeholder="例: 90"),
        )

    def case_key(self, values):  # a training belongs to no case
        return ()

    def case_nos(self, session, values) -> list[str]:
        return []

    def save_values(self, session, values: dict[str, Any]) -> int:
        from inspect_tui.core.jpdate import DateError, parse_date
        from inspect_tui.services.contract.trainings import AREAS, TrainingError, add_training

        try:
            on = parse_date(str(values.get("held_on") or ""))
        except DateError as exc:
            raise TrainingError(f"実施日: {exc}") from None
        minutes_text = str(values.get("minutes") or "").strip()
        if minutes_text and not minutes_text.isdigit():
            raise TrainingError(f"時間（分）: 「{minutes_text}」は分の数ではありません")
        codes = [
            c for c in str(values.get("attendees") or "").replace("、", ",").replace(" ", ",").split(",") if c
        ]
        row = add_training(
            session,
            on,
            str(values.get("title") or ""),
            [key for key in AREAS if values.get(f"area_{key}")],
            codes,
            organizer=str(values.get("organizer") or "contractor"),
            minutes=int(minutes_text) if minutes_text else None,
        )
        return row.id
