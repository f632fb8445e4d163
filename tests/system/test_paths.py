"""Where the config, the database and the log live (XDG), and what overrides them."""

from __future__ import annotations

from inspect_tui.system import paths


def test_xdg_folders_are_used(isolated_env, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "conf"))
    assert paths.default_db_path() == tmp_path / "data" / "inspect-tui" / "cases.db"
    assert paths.config_path() == tmp_path / "conf" / "inspect-tui" / "config.toml"


def test_a_relative_xdg_folder_is_ignored_as_the_spec_says(isolated_env, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")
    monkeypatch.setenv("XDG_STATE_HOME", "")
    assert paths.data_dir() == isolated_env / ".local/share" / "inspect-tui"
    assert paths.log_path() == isolated_env / ".local/state" / "inspect-tui" / "inspect-tui.log"


def test_the_environment_names_another_database_and_config(isolated_env, monkeypatch, tmp_path):
    monkeypatch.setenv("INSPECT_TUI_DB", str(tmp_path / "other.db"))
    monkeypatch.setenv("INSPECT_TUI_CONFIG", str(tmp_path / "other.toml"))
    assert paths.default_db_path() == tmp_path / "other.db"
    assert paths.config_path() == tmp_path / "other.toml"


def test_the_demo_database_is_never_the_users_own(isolated_env, monkeypatch, tmp_path):
    monkeypatch.setenv("INSPECT_TUI_DB", str(tmp_path / "cases.db"))
    assert paths.demo_db_path() != paths.default_db_path()
    assert paths.demo_db_path().parent.name == "demo"


def test_the_shipped_rules_file_is_found(isolated_env):
    assert paths.data_file("deadline_rules.toml").is_file()
