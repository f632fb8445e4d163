"""Users: which login has which role (manager, chief, monitor) and, for a chief,
which surveyor they are (their wards come from the surveyors table)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from inspect_tui.core.roles import ROLE_LABELS, ROLES
from inspect_tui.core.today import now_jp_iso
from inspect_tui.store.audit import record_audit
from inspect_tui.store.connection import Database, rollback
from inspect_tui.store.tx import write
from inspect_tui.system import osuser

__all__ = ["ROLES", "ROLE_LABELS", "UserError", "get_user", "list_users", "remove_user", "save_user"]


class UserError(ValueError):
    """A users-table change that cannot be made; the message says why."""


def get_user(db: Database, login: str) -> sqlite3.Row | None:
    return db.conn.execute("SELECT * FROM users WHERE login = ?", (login,)).fetchone()


def list_users(db: Database) -> list[sqlite3.Row]:
    return db.conn.execute("SELECT * FROM users ORDER BY role, login").fetchall()


def surveyor_wards(db: Database, code: str | None) -> frozenset[str]:
    """The wards of a surveyor (stored comma-joined in surveyors.wards)."""
    if not code:
        return frozenset()
    row = db.conn.execute("SELECT wards FROM surveyors WHERE code = ?", (code,)).fetchone()
    if row is None or not row[0]:
        return frozenset()
    return frozenset(w.strip() for w in row[0].split(",") if w.strip())


def _check_login(login: str) -> str:
    login = login.strip()
    if not login or len(login) > 64 or any(c.isspace() or c in "\"'`;$\\/" for c in login):
        raise UserError(f"ログイン名「{login}」は使えません（空白・引用符・記号なしの64文字まで）")
    return login


def save_user(db: Database, who: str, login: str, role: str, surveyor_code: str | None, now: str) -> bool:
    """Add a user or change their role; True when added. Audited."""
    login = _check_login(login)
    if surveyor_code is not None and not surveyor_code.strip():
        raise UserError("--surveyor: 調査員コードが空です（主任調査員でなければ省いてください）")
    if role not in ROLES:
        raise UserError(f"役割は {' / '.join(ROLES)} のどれかです")
    conn = db.conn
    with write(db):
        if (
            surveyor_code
            and not conn.execute("SELECT 1 FROM surveyors WHERE code = ?", (surveyor_code,)).fetchone()
        ):
            raise UserError(f"調査員コード {surveyor_code} は調査員名簿にありません")
        if role == "chief" and not surveyor_code:
            raise UserError("主任調査員には --surveyor CODE（担当区を決める調査員コード）が必要です")
        old = get_user(db, login)
        if old is not None and old["role"] == "manager" and role != "manager":
            _keep_a_manager(conn, login)
        before = None if old is None else {"role": old["role"], "surveyor_code": old["surveyor_code"]}
        after = {"role": role, "surveyor_code": surveyor_code}
        if old is None:
            conn.execute(
                "INSERT INTO users (login, role, surveyor_code, created_at) VALUES (?, ?, ?, ?)",
                (login, role, surveyor_code, now),
            )
        else:
            conn.execute(
                "UPDATE users SET role = ?, surveyor_code = ? WHERE login = ?", (role, surveyor_code, login)
            )
        record_audit(db, who, "add" if old is None else "update", "user", login, before, after, at=now)
    return old is None


def _keep_a_manager(conn: sqlite3.Connection, login: str) -> None:
    others = conn.execute(
        "SELECT COUNT(*) FROM users WHERE role = 'manager' AND login <> ?", (login,)
    ).fetchone()[0]
    if not others:
        raise UserError(f"{login} は最後の業務責任者です。先に別の業務責任者を登録してください")


def remove_user(db: Database, who: str, login: str, now: str) -> None:
    conn = db.conn
    with write(db):
        old = get_user(db, login)
        if old is None:
            raise UserError(f"{login} は登録されていません")
        if old["role"] == "manager":
            _keep_a_manager(conn, login)
        conn.execute("DELETE FROM users WHERE login = ?", (login,))
        record_audit(
            db,
            who,
            "remove",
            "user",
            login,
            {"role": old["role"], "surveyor_code": old["surveyor_code"]},
            None,
            at=now,
        )


def file_owner_login(path: Path) -> str:
    """The OS account that owns the file at path."""
    return osuser.login_of_uid(path.stat().st_uid)


def ensure_first_manager(db: Database) -> None:
    """A database nobody is registered in gets exactly one manager: the OS user owning the file.

    Runs whenever a session opens a file (a new one, a 0-byte file being
    initialised, an old one from before the users table); an empty users table
    never means "everyone is a manager" (services.trust.permissions.role_of
    treats unregistered logins as monitors).
    """
    conn = db.conn
    if db.readonly or conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None:
        return

    conn.execute("BEGIN IMMEDIATE")  # the database's own first write: no person's permission to ask
    try:
        if conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is None:
            register_owner_as_manager(db, now_jp_iso())
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise


def register_owner_as_manager(db: Database, at: str) -> str:
    """Register the file's owner as a manager, audited (inside the caller's transaction)."""
    owner = file_owner_login(db.path)
    db.conn.execute(
        "INSERT OR IGNORE INTO users (login, role, created_at) VALUES (?, 'manager', ?)", (owner, at)
    )
    record_audit(db, owner, "add", "user", owner, None, {"role": "manager", "surveyor_code": None}, at=at)
    return owner
