"""The log file holds what went wrong and where, never the data it went wrong on."""

from __future__ import annotations

import stat

from inspect_tui.system.logs import log_exception
from inspect_tui.system.paths import log_path


def _fail_on(name: str) -> None:
    raise ValueError(f"case of {name} (insured 5550001234) cannot be read")


def test_an_error_is_logged_as_its_type_and_frames_without_its_message(isolated_env):
    try:
        _fail_on("鈴原 冬美")
    except ValueError as exc:
        path = log_exception(exc, "test")
    assert path == log_path()
    text = path.read_text(encoding="utf-8")
    assert "[test] builtins.ValueError" in text
    assert "in _fail_on" in text  # where it happened
    assert "鈴原" not in text and "5550001234" not in text and "cannot be read" not in text


def test_the_log_is_the_owners_only(isolated_env):
    path = log_exception(RuntimeError("x"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_log_that_cannot_be_written_does_not_raise(isolated_env, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))  # the log folder would be inside a file
    log_exception(RuntimeError("x"))  # the caller still reports the first failure
