"""SSH forced commands against a real OpenSSH server on loopback.

One service account (whoever runs the tests) owns the database; each person's
key has a forced command naming them. The test checks that the forced command
runs as that person whatever the client asks for, and that asking for a shell
command ('ls /') is refused. Skipped (with the reason) only when sshd/ssh are
not installed or sshd cannot start; .ci/system-deps installs them.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

SSHD = Path("/usr/sbin/sshd")
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _keygen(path: Path) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    path.chmod(0o600)
    return path.with_suffix(".pub").read_text().strip()


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    if not SSHD.exists() or not shutil.which("ssh") or not shutil.which("ssh-keygen"):
        pytest.skip("OpenSSH (sshd, ssh, ssh-keygen) is not installed; .ci/system-deps installs it")
    base = tmp_path_factory.mktemp("sshd")
    base.chmod(0o700)
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege-separation directory
    host_key = base / "host_ed25519"
    _keygen(host_key)
    alice_key, bob_key, eve_key = base / "alice", base / "bob", base / "eve"
    pubs = {k: _keygen(k) for k in (alice_key, bob_key, eve_key)}

    db = base / "cases.db"
    from builders import add_surveyor
    from inspect_tui.services.session import open_session
    from inspect_tui.services.trust.permissions import save_user

    s = open_session(db)  # the service account (this process's OS user) creates the file: its manager
    with s:
        add_surveyor(s, "S001", name="主任 一郎", chief=True, placed_on=None)
        save_user(s, "alice", "chief", "S001")
        save_user(s, "bob", "monitor", None)

    py = sys.executable
    opts = "no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty"
    auth = base / "authorized_keys"
    auth.write_text(
        # alice's key is pinned to one command; bob's may ask for any inspect-tui command;
        # eve's key is pinned to the app for an unregistered login
        f'command="{py} -m inspect_tui --as alice whoami --db {db}",{opts} {pubs[alice_key]}\n'
        f'command="{py} -m inspect_tui --as bob --db {db}",{opts} {pubs[bob_key]}\n'
        f'command="{py} -m inspect_tui --as eve --db {db} whoami",{opts} {pubs[eve_key]}\n'
    )
    auth.chmod(0o600)
    user = pwd.getpwuid(os.getuid()).pw_name  # the real account, whatever $USER says
    for _attempt in range(3):
        port = _free_port()
        config = base / "sshd_config"
        config.write_text(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile {base}/sshd.pid\n"
            f"AuthorizedKeysFile {auth}\nPubkeyAuthentication yes\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nUsePAM no\nPermitRootLogin forced-commands-only\n"
            f"AllowUsers {user}\nPermitUserEnvironment no\nPrintMotd no\nLogLevel INFO\n"
            # the test's temp folder sits under /tmp (world-writable), which StrictModes
            # rejects; docs/ssh-setup.md keeps StrictModes on with 0700/0600 files
            "StrictModes no\n"
        )
        proc = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(config)],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        deadline = time.monotonic() + 10
        lines: list[str] = []
        while time.monotonic() < deadline:
            line = proc.stderr.readline()  # type: ignore[union-attr]
            if not line:
                break
            lines.append(line)
            if "Server listening" in line:
                break
        if proc.poll() is None and any("Server listening" in x for x in lines):
            break
        proc.kill()
        proc.wait()
    else:
        pytest.skip("sshd could not start: " + " | ".join(lines[-3:]))
    yield {"port": port, "keys": {"alice": alice_key, "bob": bob_key, "eve": eve_key}, "user": user, "db": db}
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


def _ssh(sshd, who: str, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "ssh", "-F", "/dev/null", "-i", str(sshd["keys"][who]), "-p", str(sshd["port"]),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes",
            f"{sshd['user']}@127.0.0.1", *command,
        ],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_the_forced_command_runs_as_the_named_person(sshd):
    r = _ssh(sshd, "alice")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:2] == ["alice", "chief（主任調査員）"]


def test_a_shell_command_is_refused(sshd):
    r = _ssh(sshd, "alice", "ls /")
    assert r.returncode != 0
    assert "inspect-tui しか使えません" in r.stderr
    assert "bin" not in r.stdout.split() and "etc" not in r.stdout.split()
    r = _ssh(sshd, "bob", "cat /etc/passwd")
    assert r.returncode != 0 and "root:" not in r.stdout


def test_an_inspect_tui_command_runs_as_the_forced_person(sshd):
    r = _ssh(sshd, "bob", "inspect-tui whoami")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:2] == ["bob", "monitor（委託元担当者）"]
    r = _ssh(sshd, "bob", "inspect-tui --as alice whoami")
    assert r.returncode != 0 and "alice" not in r.stdout
    r = _ssh(sshd, "bob", "inspect-tui report monthly --month 2027-06 -o ~/.ssh/authorized_keys")
    assert r.returncode != 0 and "SSH 越しには" in r.stderr
    r = _ssh(sshd, "bob", "inspect-tui users add mallory --role manager")
    assert r.returncode != 0 and "権限がありません" in r.stderr


@pytest.mark.parametrize(
    "request_",
    [
        "inspect-tui --a {svc} users add mallory --role manager",
        "inspect-tui --a={svc} users add mallory --role manager",
        "inspect-tui users add mallory --role manager --as {svc}",
        "inspect-tui --d /tmp/other.db whoami",
        "inspect-tui --de",
        "inspect-tui whoami --db=/tmp/other.db",
        "INSPECT_TUI_USER={svc} inspect-tui users add mallory --role manager",
        "env INSPECT_TUI_USER={svc} inspect-tui whoami",
        "inspect-tui -- --as {svc} whoami",
    ],
)
def test_the_person_cannot_become_someone_else(sshd, request_):
    """The issue's escape: argparse took --a as --as, so bob became the service account (a manager)."""
    r = _ssh(sshd, "bob", request_.format(svc=sshd["user"]))
    assert r.returncode != 0, r.stdout
    assert "指定できません" in r.stderr or "しか使えません" in r.stderr or "使えません" in r.stderr
    assert "mallory" not in r.stdout and sshd["user"] not in r.stdout.splitlines()[:1]
    import sqlite3

    with sqlite3.connect(f"file:{sshd['db']}?mode=ro", uri=True) as conn:
        logins = {row[0] for row in conn.execute("SELECT login FROM users")}
    assert "mallory" not in logins
    r = _ssh(sshd, "bob", "inspect-tui whoami")
    assert r.stdout.splitlines()[:2] == ["bob", "monitor（委託元担当者）"]
    assert "サービスアカウント方式" in r.stdout


def test_an_unregistered_login_is_refused(sshd):
    r = _ssh(sshd, "eve")
    assert r.returncode != 0 and "登録されていません" in r.stderr
