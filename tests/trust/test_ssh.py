"""SSH forced commands against a real OpenSSH server on loopback.

One service account (whoever runs the tests) owns the database; each person's
key has a forced command naming them. The test checks that the forced command
runs as that person whatever the client asks for, and that asking for a shell
command ('ls /') is refused. The monitor's report-only key is the line
docs/ssh-setup.md gives (its program and database paths replaced), and every
command of that page's report-only block runs as written: the bytes that arrive
are the report (an xlsx that openpyxl opens, json, csv, text), the refused ones
are refused with the message the page quotes. Skipped (with the reason) only
when sshd/ssh are not installed or sshd cannot start; .ci/system-deps installs them.
"""

from __future__ import annotations

import io
import json
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

SSHD = Path("/usr/sbin/sshd")
SETUP_DOC = Path(__file__).resolve().parents[2] / "docs" / "ssh-setup.md"
pytestmark = pytest.mark.slow


def _doc_report_only_key() -> tuple[str, str]:
    """(forced command, options) of the report-only key line in docs/ssh-setup.md."""
    m = re.search(
        r'^\s*command="([^"]*--as city01 [^"]* report)",(\S+) ssh-ed25519 ', SETUP_DOC.read_text(), re.M
    )
    assert m, "docs/ssh-setup.md has no report-only key line for city01"
    return m.group(1), m.group(2)


_DOC_LINE = re.compile(r"^ssh inspect@server '([^']*)'(?: > (\S+))?\s*(?:#\s*refused: ([^(]+))?")


def _doc_report_commands() -> list[tuple[str, str | None, str | None]]:
    """(request, file it is saved to, refusal message) for each line of the page's report-only block."""
    text = SETUP_DOC.read_text()
    block = text.split("With a report-only key", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    out = []
    for line in block.splitlines():
        m = _DOC_LINE.match(line)
        assert m, f"not a line the test can run: {line}"
        out.append((m.group(1), m.group(2), m.group(3).strip() if m.group(3) else None))
    return out


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
    keys = {who: base / who for who in ("alice", "bob", "eve", "city01", "carol")}
    pubs = {who: _keygen(k) for who, k in keys.items()}
    cwd = base / "home"  # where the forced commands run: a file a report wrote would appear here
    cwd.mkdir()

    db = base / "cases.db"
    py = sys.executable
    from builders import add_case, add_surveyor
    from inspect_tui.services.session import open_session
    from inspect_tui.services.trust.permissions import save_user

    s = open_session(db)  # the service account (this process's OS user) creates the file: its manager
    with s:
        add_surveyor(s, "S001", name="主任 一郎", chief=True, placed_on=None)
        save_user(s, "alice", "chief", "S001")
        save_user(s, "bob", "monitor", None)
        save_user(s, "city01", "monitor", None)
        save_user(s, "carol", "monitor", None)
        add_case(s, received_on="2027-06-01", contacted_on="2027-06-02", visited_on="2027-06-04")
        add_case(s, received_on="2027-06-03", contacted_on="2027-06-09")  # contact late (due 6/8)

    def program(command: str) -> str:  # the doc's program and database, here
        run = f"cd {shlex.quote(str(cwd))} && exec {py} -m inspect_tui"
        return command.replace("/usr/local/bin/inspect-tui", run).replace("/srv/inspect/cases.db", str(db))

    opts = "no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty"
    report_only, report_opts = _doc_report_only_key()
    auth = base / "authorized_keys"
    auth.write_text(
        # alice's key is pinned to one command; bob's may ask for any inspect-tui command;
        # eve's key is pinned to the app for an unregistered login; city01's is the doc's
        # report-only key; carol's is report-only too but gets a terminal (to try -t with)
        f'command="{py} -m inspect_tui --as alice whoami --db {db}",{opts} {pubs["alice"]}\n'
        f'command="{py} -m inspect_tui --as bob --db {db}",{opts} {pubs["bob"]}\n'
        f'command="{py} -m inspect_tui --as eve --db {db} whoami",{opts} {pubs["eve"]}\n'
        f'command="{program(report_only)}",{report_opts} {pubs["city01"]}\n'
        f'command="{program(report_only.replace("city01", "carol"))}",no-port-forwarding {pubs["carol"]}\n'
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
            # the tests' pinned day, and config, data and logs in the test's folder (not the real home)
            f"SetEnv INSPECT_TUI_TODAY=2027-06-15 XDG_CONFIG_HOME={base}/config "
            f"XDG_DATA_HOME={base}/data XDG_STATE_HOME={base}/state\n"
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
    yield {"port": port, "keys": keys, "user": user, "db": db, "cwd": cwd}
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


def _ssh_argv(sshd, who: str, *command: str, tty: bool = False) -> list[str]:
    return [
        "ssh", "-F", "/dev/null", "-i", str(sshd["keys"][who]), "-p", str(sshd["port"]),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes",
        *(["-tt"] if tty else []), f"{sshd['user']}@127.0.0.1", *command,
    ]  # fmt: skip


def _ssh(sshd, who: str, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _ssh_argv(sshd, who, *command), capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )


def _ssh_bytes(sshd, who: str, *command: str) -> subprocess.CompletedProcess[bytes]:
    """As a client would run ``ssh … 'request' > file``: standard output as the bytes that arrived."""
    return subprocess.run(
        _ssh_argv(sshd, who, *command), capture_output=True, timeout=60, stdin=subprocess.DEVNULL
    )


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


# --------------------------------------------------------------------------- reports over SSH


def _assert_arrived(name: str, data: bytes) -> None:
    """What a file saved by `> name` holds is that report, whole, in that format."""
    suffix = Path(name).suffix
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data))
        cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
        assert any("KGI" in v or "業務履行報告書" in v for v in cells), cells[:5]
    elif suffix == ".pdf":
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
        if shutil.which("pdftotext"):  # the text a person reads in it (poppler-utils)
            text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
            assert "KGI" in text.decode("utf-8"), text[:200]
    elif suffix == ".json":
        assert json.loads(data.decode("utf-8"))
    elif suffix == ".csv":
        assert data.startswith(b"\xef\xbb\xbf") and "月" in data.decode("utf-8-sig")
    else:
        assert "業務履行報告書" in data.decode("utf-8")


@pytest.mark.parametrize("request_, saved_as, refused", _doc_report_commands())
def test_the_report_only_key_does_what_the_set_up_page_says(sshd, tmp_path, request_, saved_as, refused):
    """Each line of docs/ssh-setup.md's report-only block, as the monitor city01 would type it."""
    r = _ssh_bytes(sshd, "city01", request_)
    err = r.stderr.decode("utf-8", "replace")
    if refused:
        assert r.returncode != 0, err
        assert refused in err
        assert r.stdout == b""
    else:
        assert r.returncode == 0, err
        assert err == ""  # nothing to say: the file on the person's side is the report
        (tmp_path / saved_as).write_bytes(r.stdout)
        _assert_arrived(saved_as, (tmp_path / saved_as).read_bytes())
    assert list(sshd["cwd"].iterdir()) == []  # nothing written on the server


def test_the_kpi_xlsx_that_arrives_has_the_figures(sshd, tmp_path):
    """`ssh … 'inspect-tui report kpi --fy 2027 --format xlsx' > kpi.xlsx`: the same workbook the
    server writes with -o, byte for byte the same sheets and values."""
    import openpyxl

    r = _ssh_bytes(sshd, "city01", "inspect-tui report kpi --fy 2027 --format xlsx")
    assert r.returncode == 0, r.stderr.decode()
    here = tmp_path / "kpi_local.xlsx"
    env = {**os.environ, "INSPECT_TUI_TODAY": "2027-06-15", "XDG_CONFIG_HOME": str(tmp_path / "c")}
    w = subprocess.run(
        [sys.executable, "-m", "inspect_tui", "report", "kpi", "--fy", "2027", "--format", "xlsx",
         "-o", str(here), "--db", str(sshd["db"])],
        capture_output=True, timeout=60, env=env,
    )  # fmt: skip
    assert w.returncode == 0, w.stderr.decode()

    def values(book) -> list[list[tuple]]:
        return [[tuple(c.value for c in row) for row in ws.iter_rows()] for ws in book.worksheets]

    arrived = openpyxl.load_workbook(io.BytesIO(r.stdout))
    assert values(arrived) == values(openpyxl.load_workbook(here))
    assert "KGI・KPI" in str(arrived.worksheets[0].cell(1, 1).value)


#: A report-only key, tried as an attacker holding it (tests/trust/test_report_key.py tries
#: every spelling in-process; these go through the real sshd and shell).
ATTACKS = [
    ("inspect-tui report monthly --month 2027-06 -o {cwd}/m.txt", "SSH 越しには"),
    ("inspect-tui report monthly --month 2027-06 -o{cwd}/m.txt", "SSH 越しには"),
    ("inspect-tui report monthly --month 2027-06 -o ''", "SSH 越しには"),
    ("inspect-tui report monthly --month 2027-06 --out {cwd}/m.txt", "unrecognized arguments"),
    ("inspect-tui report monthly --month 2027-06 --fo xlsx", "unrecognized arguments"),
    ("inspect-tui report --as {svc} kpi --fy 2027", "指定できません"),
    ("inspect-tui report kpi --fy 2027 --d {cwd}/other.db", "指定できません"),
    ("inspect-tui users add mallory --role manager", "この鍵で使えるのは inspect-tui report"),
    ("inspect-tui report kpi-set satisfaction 2027 99", "報告書の出力だけです"),
    ("ls /", "inspect-tui しか使えません"),
    ("inspect-tui report monthly --month 2027-06; id", "unrecognized arguments: id"),
    ("inspect-tui report monthly --month $(id)", "「$(id)」は月として読めません"),
]


@pytest.mark.parametrize("request_, message", ATTACKS)
def test_the_report_only_key_refuses_everything_else(sshd, request_, message):
    """Tried as an attacker holding the monitor's key: each is refused, with the message, and
    leaves no file on the server and no change in the database."""
    import sqlite3

    def state() -> tuple:
        with sqlite3.connect(f"file:{sshd['db']}?mode=ro", uri=True) as conn:
            return (
                conn.execute("SELECT count(*) FROM users").fetchone(),
                conn.execute("SELECT count(*) FROM audit_log").fetchone(),
            )

    before = state()
    r = _ssh(sshd, "city01", request_.format(cwd=sshd["cwd"], svc=sshd["user"]))
    assert r.returncode != 0, r.stdout
    assert message in r.stderr
    assert r.stdout == ""
    assert list(sshd["cwd"].iterdir()) == []
    assert state() == before


def test_a_binary_report_is_not_sent_to_a_terminal_nor_left_on_the_server(sshd):
    """carol's report-only key gives a terminal (no restrict): with -t the server's standard
    output is a terminal, where an xlsx would have become a file on the server. Refused, saying
    how to receive it; a text report still shows on the terminal."""
    r = subprocess.run(
        _ssh_argv(sshd, "carol", "inspect-tui report kpi --fy 2027 --format xlsx", tty=True),
        capture_output=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    shown = (r.stdout + r.stderr).decode("utf-8", "replace")  # a terminal merges both
    assert r.returncode == 2, shown
    assert "この形式は端末には出せません" in shown and "PK" not in shown
    assert list(sshd["cwd"].iterdir()) == []
    r = subprocess.run(
        _ssh_argv(sshd, "carol", "inspect-tui report kpi --fy 2027", tty=True),
        capture_output=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert r.returncode == 0 and "KGI・KPI" in r.stdout.decode("utf-8", "replace")
