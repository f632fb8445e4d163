"""Who may do what: the roles and the actions they may take. The one table the
services (permission checks), the TUI (which keys to offer) and the CLI read.

Roles (seed 001 §5, DOMAIN.md "Who uses it"):
- manager (業務責任者): everything, including users, settings, imports, purges.
- chief (主任調査員): reviews, findings, complaints, incidents, problems, and case
  steps for the wards of their own surveyor record.
- monitor (委託元担当者): read-only; never sees applicant names, insured numbers or
  dates of birth; sees reports and achievement tables.
"""

from __future__ import annotations

ROLES = ("manager", "chief", "monitor")
ROLE_LABELS = {"manager": "業務責任者", "chief": "主任調査員", "monitor": "委託元担当者"}

MANAGER = frozenset({"manager"})
CHIEF_UP = frozenset({"manager", "chief"})

#: action -> (roles allowed, what it is in the seed documents' words)
ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "case.step": (CHIEF_UP, "依頼の手順の記録"),
    "case.deadline": (CHIEF_UP, "期限の延長・除外"),
    "case.rederive": (MANAGER, "期限の再計算"),
    "case.inspect": (CHIEF_UP, "調査票の点検の記録"),
    "case.submit_unchecked": (MANAGER, "点検なしでの提出の記録"),
    "form.save": (CHIEF_UP, "調査票の内容（回答・特記事項）の記録"),
    "review.save": (CHIEF_UP, "点検・重点チェックの記録"),
    "review.manage": (MANAGER, "ブラインド点検の依頼"),
    "review.assign": (MANAGER, "担当区外の点検（応援）の割り当て"),
    "complaint.save": (CHIEF_UP, "苦情の記録"),
    "incident.save": (CHIEF_UP, "インシデント・アクシデントの記録"),
    "problem.save": (CHIEF_UP, "課題の記録"),
    "quality.documents": (CHIEF_UP, "事故振り返りシート・重大苦情の報告書の作成"),
    "report.notes": (MANAGER, "報告書の記入（課題・改善、実績値）"),
    "billing.close": (MANAGER, "月の締め（請求の確定）"),
    "import": (MANAGER, "CSV の取り込み"),
    "purge": (MANAGER, "個人情報の消去"),
    "backup": (MANAGER, "バックアップ"),
    "restore": (MANAGER, "バックアップからの復元"),
    "users.manage": (MANAGER, "利用者の管理"),
    "deliverables.record": (MANAGER, "成果物の提出の記録"),
    "meeting.save": (CHIEF_UP, "会議（内部会議・連絡会議）の記録"),
    "training.save": (MANAGER, "研修の記録"),
    "staff.record": (MANAGER, "従事者の記録（届出・誓約書・調査員証）"),
    "audit.read": (MANAGER, "監査記録の閲覧"),
    "personal.read": (CHIEF_UP, "個人情報（氏名・被保険者番号・生年月日）の閲覧"),
}
#: Actions a chief may do only for cases in their own wards.
WARD_BOUND = frozenset({"case.step", "case.deadline"})
