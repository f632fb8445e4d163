"""Every key of the app, declared once: key, action, description, help text and an id.

The help screen (``?``), the footer and the command palette read these
declarations, and users remap keys by id in the config file::

    [keys]
    "screen.cases" = "f2"
    "cases.filter" = "slash,ctrl+k"

Ids are ``<screen>.<what>``; ``keymap.all_binding_ids()`` lists them, and tui/keymap.py
checks a user's keymap against them (unknown ids and key names, collisions).
"""

from __future__ import annotations

from textual.binding import Binding


def binding(
    key: str,
    action: str,
    description: str,
    id: str,
    tooltip: str = "",
    show: bool = True,
    key_display: str | None = None,
    priority: bool = False,
) -> Binding:
    return Binding(
        key,
        action,
        description,
        show=show,
        key_display=key_display,
        priority=priority,
        tooltip=tooltip or description,
        id=id,
    )


_b = binding  # short, for the tables below


#: Screens reachable with a number key: (mode name, key, label).
SCREENS = (
    ("today", "1", "今日"),
    ("cases", "2", "依頼"),
    ("surveyors", "3", "調査員"),
    ("review", "4", "点検"),
    ("reports", "5", "帳票"),
    ("quality", "6", "品質"),
    ("contract", "7", "契約"),
)

#: The words users say for what each screen holds: the palette finds a screen by them
#: (「報告」「月次」「KPI」「指導」「苦情」 … found nothing when it knew only the screen's name).
SCREEN_WORDS = {
    "today": "期限・未完了・緊急・点検実施率・職員の注意",
    "cases": "依頼の一覧・検索・経過・期限",
    "surveyors": "調査員・名簿・資格・登録期限・担当件数",
    "review": "点検・重点チェック・新任10件・指導・習熟度・キャリブレーション",
    "reports": "報告書・月次・業務履行報告書・SLA・KPI・KGI・達成表・指導終了報告・パレート",
    "quality": "苦情・事故・インシデント・課題・パレート分析",
    "contract": "契約・成果物・納品・提出期限・会議・議事録・連絡会議・研修・研修完了報告書",
}

APP = [
    *(
        _b(key, f"app.switch_mode('{mode}')", label, f"screen.{mode}", f"{label}の画面へ", show=False)
        for mode, key, label in SCREENS
    ),
    _b("question_mark", "app.show_keys", "キー", "app.help", "この画面のキー一覧", key_display="?"),
    _b("q", "app.quit_from_top", "終了", "app.quit", "終了（開いた画面があれば戻る）"),
    _b("ctrl+t", "app.next_theme", "テーマ", "app.theme", "テーマを切り替える", show=False),
    _b("ctrl+r", "app.reload", "再読込", "app.reload", "この画面を読み直す", show=False),
    _b("ctrl+l", "app.show_audit", "監査記録", "app.audit", "監査記録を見る（業務責任者のみ）", show=False),
]

BACK = _b("escape", "app.back", "戻る", "app.back", "前の画面に戻る")

CONTRACT = [
    _b("d", "mark_done", "提出を記録", "contract.done", "選んだ成果物を本日提出したと記録する（業務責任者）"),
    _b("a", "toggle_all", "すべて", "contract.all", "契約期間のすべての成果物／近いものだけを切り替える"),
    _b("m", "add_meeting", "会議", "contract.meeting", "開いた会議を記録する（業務責任者、出席した主任）"),
    _b("t", "add_training", "研修", "contract.training", "実施した研修を記録する（業務責任者）"),
    _b(
        "s",
        "staff_entry",
        "従事者",
        "contract.staff",
        "選んだ調査員の届出・誓約書・調査員証を本日として記録する（業務責任者）",
    ),
]

TODAY = [
    _b("enter", "open_case", "開く", "today.open", "選んだ依頼を開く"),
    _b("o", "show_overdue", "超過一覧", "today.overdue", "期限超過の依頼を一覧で見る"),
    _b("j,down", "cursor_down", "下", "today.down", show=False),
    _b("k,up", "cursor_up", "上", "today.up", show=False),
]

CASES = [
    _b("slash", "focus_filter", "絞込", "cases.filter", "依頼番号・氏名で絞り込む", key_display="/"),
    _b("w", "cycle_ward", "区", "cases.ward", "区で絞り込む（押すたびに次の区）"),
    _b("f", "cycle_status", "状態", "cases.status", "状態で絞り込む（未完了、全件、各状態の順）"),
    _b("d", "cycle_deadline", "期限", "cases.deadline", "期限の状態で絞り込む（超過/本日/間近/余裕）"),
    _b("u", "pick_surveyor", "調査員", "cases.surveyor", "調査員で絞り込む", show=False),
    _b("s", "next_sort", "並替", "cases.sort", "並べ替える列を変える", show=False),
    _b("S", "reverse_sort", "逆順", "cases.reverse", "並び順を逆にする", show=False),
    _b("x", "clear_filters", "解除", "cases.clear", "絞り込みをすべて解除", show=False),
    _b("enter", "open_case", "開く", "cases.open", "選んだ依頼を開く"),
    _b("escape", "escape", "戻る", "cases.escape", "文字の絞り込みを消す（なければ前の画面へ）", show=False),
]

TABLE = [
    _b("j,down", "cursor_down", "下", "list.down", show=False),
    _b("k,up", "cursor_up", "上", "list.up", show=False),
    _b("pagedown,ctrl+f,space", "page_down", "次頁", "list.page_down", show=False),
    _b("pageup,ctrl+b", "page_up", "前頁", "list.page_up", show=False),
    _b("home,g", "first", "先頭", "list.first", show=False),
    _b("end,G", "last", "末尾", "list.last", show=False),
]

#: One key per next step of a case (STEPS ids), shown on the case screen.
STEP_KEYS = {
    "contact": ("c", "連絡"),
    "visit": ("v", "訪問"),
    "submit": ("s", "提出"),
    "accept": ("a", "受理"),
    "cancel": ("x", "中止"),
    "return": ("r", "返却"),
    "resurvey": ("R", "再調査"),
    "query": ("i", "照会"),
    "answer": ("I", "照会回答"),
    "return-for-fix": ("b", "返戻"),
    "resubmit": ("S", "再提出"),
    "accept-cancel": ("A", "受理取消"),
}
CASE = [
    *(
        _b(
            key,
            f"step('{step}')",
            label,
            f"case.{step}",
            f"{label}を記録する",
            show=step in ("contact", "visit", "submit"),
        )
        for step, (key, label) in STEP_KEYS.items()
    ),
    _b(
        "u", "void", "取消", "case.void", "誤った記録を取り消す（番号と理由。消さずに取消を記録）", show=False
    ),
    _b("j,down", "scroll_down", "下", "case.down", "下へ送る", show=False),
    _b("k,up", "scroll_up", "上", "case.up", "上へ戻す", show=False),
]

SURVEYORS = [
    _b("enter", "open_surveyor", "開く", "surveyors.open", "調査員の担当依頼を見る"),
    _b("j", "cursor_down", "下", "surveyors.down", show=False),
    _b("k", "cursor_up", "上", "surveyors.up", show=False),
    _b("e", "sort_expiry", "期限順", "surveyors.expiry", "登録期限の近い順に並べる", show=False),
    _b("l", "sort_load", "担当順", "surveyors.load", "担当中の件数の多い順に並べる", show=False),
]

DIALOG = [
    _b("escape", "cancel", "やめる", "dialog.cancel", "記録せずに閉じる"),
    _b("ctrl+s", "save", "記録", "dialog.save", "記録する"),
]

ALL = {
    "app": [*APP, BACK],
    "today": TODAY,
    "cases": CASES,
    "list": TABLE,
    "case": CASE,
    "surveyors": SURVEYORS,
    "dialog": DIALOG,
}


#: Widgets in tui/widgets with keys of their own, and the screens that show them
#: ("module.Class"), so the keymap check knows where their keys meet the screen's.
WIDGET_HOSTS = {
    "inspect_tui.tui.widgets.case_table.CaseTable": ("inspect_tui.tui.screens.cases.listing.CasesScreen",),
    "inspect_tui.tui.screens.review.points.PointTable": ("inspect_tui.tui.screens.review.check.CheckScreen",),
}
