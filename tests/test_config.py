from __future__ import annotations

import datetime as dt

import pytest

from inspect_tui.cli import main
from inspect_tui.config import EXAMPLE, ConfigError, load_config, parse_config
from inspect_tui.paths import config_path


def test_defaults_without_a_file():
    cfg = load_config()
    assert cfg.home_insurer == "神戸市"
    assert cfg.wards == ("長田区", "須磨区", "垂水区")
    assert cfg.path is None


def test_example_parses():
    cfg = parse_config(EXAMPLE)
    assert cfg.retention_months == 3


def test_values_are_read():
    cfg = parse_config(
        'home_insurer = "明石市"\nextra_closures = ["2027-08-16", 2027-08-17]\n'
        "[prices]\nhome = 6800\nother = 7200\n"
    )
    assert cfg.home_insurer == "明石市"
    assert cfg.extra_closures == {dt.date(2027, 8, 16), dt.date(2027, 8, 17)}
    assert (cfg.unit_price_home, cfg.unit_price_other) == (6800, 7200)
    assert cfg.is_home("明石市") and cfg.is_home("") and not cfg.is_home("神戸市")


def test_unknown_keys_and_bad_values_name_file_line_and_key(tmp_path):
    p = tmp_path / "config.toml"
    p.write_text(
        '# comment\nhome_insurer = "神戸市"\ncolour = "red"\n\n[prices]\nhome = -5\nextra = 1\nwards = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    msg = str(exc.value)
    assert f"{p}:3: colour: 知らないキー" in msg
    assert f"{p}:6: prices.home: 0以上の整数" in msg
    assert f"{p}:7: prices.extra: 知らないキー" in msg
    # wards after [prices] is inside that table in TOML: reported as an unknown prices key
    assert "prices.wards" in msg


def test_bad_date_in_closures(tmp_path):
    with pytest.raises(ConfigError, match=r":1: extra_closures: 「2027-02-30」は存在しない日付"):
        parse_config('extra_closures = ["2027-02-30"]\n', tmp_path / "c.toml")


def test_broken_toml_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="TOML として読めません"):
        parse_config("home_insurer = \n", tmp_path / "c.toml")


def test_config_path_command_prints_xdg_location(capsys, isolated_env):
    assert main(["config", "path"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == str(config_path())
    assert out == str(isolated_env / ".config" / "inspect-tui" / "config.toml")


def test_bad_config_makes_commands_fail_cleanly(capsys):
    p = config_path()
    p.parent.mkdir(parents=True)
    p.write_text("retention_months = 999\n", encoding="utf-8")
    assert main(["deadline", "2027-06-15", "3"]) == 2
    err = capsys.readouterr().err
    assert "retention_months" in err and ":1:" in err and "Traceback" not in err
