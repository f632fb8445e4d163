from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspect_tui.cli.main import main
from inspect_tui.services.config import EXAMPLE, ConfigError, load_config, parse_config
from inspect_tui.system.paths import config_path


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


# --------------------------------------------------------------------------- reading the file
def _write_config(body: str | bytes):
    p = config_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(body, bytes):
        p.write_bytes(body)
    else:
        p.write_text(body, encoding="utf-8")
    return p


def test_a_byte_order_mark_is_accepted(capsys):
    # Windows Notepad saves UTF-8 with a BOM; tomllib alone refuses it at line 1
    _write_config('\ufeffhome_insurer = "明石市"\n[keys]\n"screen.cases" = "f2"\n')
    assert load_config().home_insurer == "明石市"
    assert main(["config", "check"]) == 0
    assert "問題ありません" in capsys.readouterr().out


def test_a_config_not_in_utf8_names_the_line(capsys):
    p = _write_config('home_insurer = "神戸市"\n'.encode() + 'wards = ["長田区"]\n'.encode("cp932"))
    assert main(["config", "check"]) == 2
    err = capsys.readouterr().err
    assert f"{p}:2: UTF-8 で保存してください" in err and "Traceback" not in err


def test_a_toml_mistake_names_the_line(capsys):
    p = _write_config('home_insurer = "神戸市"\nwards = [長田区]\n')
    assert main(["config", "check"]) == 2
    assert f"{p}:2: TOML として読めません" in capsys.readouterr().err


def test_a_folder_as_the_config_is_said_in_japanese(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("INSPECT_TUI_CONFIG", str(tmp_path))
    assert main(["config", "check"]) == 2
    assert f"{tmp_path}: フォルダです" in capsys.readouterr().err


def test_read_config_keeps_the_good_parts_and_defaults_the_broken_ones():
    from inspect_tui.services.config import read_config

    cfg, problems = read_config(
        'home_insurer = "明石市"\nretention_months = 999\n[prices]\nhome = -1\nother = 7200\n'
        '[keys]\n"screen.cases" = "f2"\n"cases.sort" = 3\n'
    )
    assert cfg.home_insurer == "明石市" and cfg.unit_price_other == 7200
    assert cfg.retention_months == 3 and cfg.unit_price_home == 0  # the defaults
    assert cfg.keys == {"screen.cases": "f2"}
    assert [p.split(": ")[1] for p in problems] == ["retention_months", "prices.home", 'keys."cases.sort"']
    assert problems[2].startswith("<config>:8: ")


def test_indicator_files_are_read_beside_the_config(tmp_path):
    p = _write_config('sla_file = "my_sla.toml"\nkpi_file = "/abs/kpi.toml"\n')
    cfg = load_config()
    assert cfg.sla_file == p.parent / "my_sla.toml"
    assert str(cfg.kpi_file) == "/abs/kpi.toml"


# --------------------------------------------------------------------------- config check
def test_config_check_without_a_file(capsys):
    assert main(["config", "check"]) == 0
    assert "ファイルがないので既定値を使います" in capsys.readouterr().out


def test_config_check_of_a_clean_file_says_what_it_checked(capsys, tmp_path):
    sla = tmp_path / "sla.toml"
    sla.write_text(SLA_OK, encoding="utf-8")
    _write_config(f'sla_file = "{sla}"\n[keys]\n"screen.cases" = "f2"\n"cases.filter" = "/"\n')
    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out
    assert "問題ありません" in out and "キーの割り当て 2 件" in out and str(sla) in out


SLA_OK = (
    '[[indicator]]\nid = "late"\nname = "連絡の遅れ"\nmetric = "late_contact"\ncomparator = "="\n'
    'target = 0\ncycle = "monthly"\nlevel = "必達"\n'
)


def test_config_check_reports_every_problem_with_file_line_and_key(capsys, tmp_path):
    bad_sla = tmp_path / "sla.toml"
    bad_sla.write_text(SLA_OK + SLA_OK.replace('"late"', '"late2"').replace('name = "連絡の遅れ"\n', ""))
    cp932 = tmp_path / "kpi.toml"
    cp932.write_bytes('# goals\n[[indicator]]\nname = "受理件数"\n'.encode("cp932"))
    p = _write_config(
        "retention_months = 999\n"  # 1
        'colour = "red"\n'  # 2
        f'sla_file = "{bad_sla}"\n'  # 3
        f'kpi_file = "{cp932}"\n'  # 4
        "[keys]\n"  # 5
        '"cases.sort" = "2"\n'  # 6: shadows the screen-switch key on the case list
        '"cases.clear" = "q"\n'  # 7: takes quitting away on the case list
        '"cases.reverse" = "ctrl+q"\n'  # 8: Textual quits on ctrl+q whatever it is bound to
        '"cases.ward" = "ctrl+shft+w"\n'  # 9
        '"no.such" = "z"\n'  # 10
        '"screen.surveyors" = "1"\n'  # 11: one of two screens would have no key
    )
    assert main(["config", "check"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "予期しない" not in err
    expected = [
        f"{p}:1: retention_months: 0〜120",
        f"{p}:2: colour: 知らないキー",
        f'{p}:6: keys."cases.sort": 「2」は依頼の画面で「依頼の画面へ」（screen.cases）にも使われています',
        f'{p}:7: keys."cases.clear": 「q」は依頼の画面で「終了（開いた画面があれば戻る）」（app.quit）にも',
        f'{p}:8: keys."cases.reverse": 「ctrl+q」は Textual が終了に使うキーです（押すとアプリが終了します）',
        f'{p}:9: keys."cases.ward": 「ctrl+shft+w」の「shft」は修飾キーではありません',
        f'{p}:10: keys."no.such": 「no.such」という操作IDはありません',
        f'{p}:11: keys."screen.surveyors": 「1」は今日の画面ほか',
        f"{bad_sla}:9: indicator[2]（late2）: name がありません",  # the indicator file's own line
        f"{p}:4: kpi_file: {cp932}:3: UTF-8 で保存してください",
    ]
    for line in expected:
        assert line in err, line
    assert "設定に問題があります（11 件）" in err  # "1" meets two bindings: today and 軽微


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('sla_file = "{missing}"\n', "{cfg}:1: sla_file: {missing}: ファイルがありません"),
        ('kpi_file = "{folder}"\n', "{cfg}:1: kpi_file: {folder}: フォルダです"),
        ('sla_file = "{empty}"\n', "{empty}: [[indicator]] の表が1つ以上必要です"),
    ],
)
def test_indicator_files_that_cannot_be_used(capsys, tmp_path, body, problem):
    names = {"missing": tmp_path / "none.toml", "folder": tmp_path, "empty": tmp_path / "empty.toml"}
    names["empty"].write_text("# nothing yet\n", encoding="utf-8")
    p = _write_config(body.format(**names))
    assert main(["config", "check"]) == 2
    assert problem.format(cfg=p, **names) in capsys.readouterr().err


def test_an_indicator_file_nobody_may_read(unprivileged):
    import os
    import tempfile

    # run as nobody (root reads every file); pytest's own folders are owner-only, so a folder of its own
    with tempfile.TemporaryDirectory(prefix="inspect-tui-test-") as folder:
        base = Path(folder)
        base.chmod(0o755)
        sla = base / "sla.toml"
        sla.write_text(SLA_OK, encoding="utf-8")
        sla.chmod(0o000)
        cfg = base / "config.toml"
        cfg.write_text(f'sla_file = "{sla}"\n', encoding="utf-8")
        cfg.chmod(0o644)
        env = {**os.environ, "INSPECT_TUI_CONFIG": str(cfg), "HOME": folder}
        r = unprivileged(["config", "check"], env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, r.stderr
    assert f"{cfg}:1: sla_file: {sla}: 読む権限がありません" in r.stderr


# --------------------------------------------------------------------------- incomplete indicators
SLA_KEYS = {
    "id": '"x"',
    "name": '"n"',
    "metric": '"late_contact"',
    "comparator": '"="',
    "target": "0",
    "cycle": '"monthly"',
    "level": '"必達"',
}
KPI_KEYS = {
    "id": '"x"',
    "level": '"KPI"',
    "name": '"n"',
    "metric": '"accepted"',
    "direction": '"higher"',
    "targets": "{ 2027 = 1 }",
}


@pytest.mark.parametrize(
    ("kind", "missing"),
    [("sla", k) for k in SLA_KEYS] + [("kpi", k) for k in KPI_KEYS],
)
def test_an_indicator_missing_any_key_is_reported_not_a_crash(tmp_path, kind, missing):
    # each of these ended in KeyError (exit 70): the required-key check ran, then the indicator
    # was built anyway
    from inspect_tui.services.reports.indicators import IndicatorFileError, load_kpi, load_sla

    keys = SLA_KEYS if kind == "sla" else KPI_KEYS
    path = tmp_path / f"{kind}.toml"
    path.write_text(
        "[[indicator]]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items() if k != missing), encoding="utf-8"
    )
    with pytest.raises(IndicatorFileError) as exc:
        (load_sla if kind == "sla" else load_kpi)(path)
    assert f"{path}:1: indicator[1]" in str(exc.value) and f"{missing} がありません" in str(exc.value)


def test_a_report_with_an_incomplete_indicator_exits_2(capsys, tmp_path, session, db_path):
    sla = tmp_path / "sla.toml"
    sla.write_text(SLA_OK.replace('comparator = "="\n', ""), encoding="utf-8")
    _write_config(f'sla_file = "{sla}"\n')
    assert main(["report", "sla", "--period", "2027-05", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert f"{sla}:1: indicator[1]（late）: comparator がありません" in err and "予期しない" not in err


def test_kpi_set_checks_the_kpi_file_first(capsys, tmp_path, session, db_path):
    p = _write_config(f'kpi_file = "{tmp_path / "gone.toml"}"\n')
    assert main(["report", "kpi-set", "satisfaction", "2027", "80", "--db", str(db_path)]) == 2
    assert f"{p}:1: kpi_file: {tmp_path / 'gone.toml'}: ファイルがありません" in capsys.readouterr().err


# --------------------------------------------------------------------------- at start-up
@pytest.fixture
def sample_db(tmp_path):
    from tui.sample import build_sample

    folder = tmp_path / "sample"
    folder.mkdir(mode=0o700)
    path = build_sample(folder / "cases.db")
    path.chmod(0o600)
    return path


def _messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_the_app_starts_on_a_broken_config_says_why_and_keeps_the_defaults(sample_db):
    from inspect_tui.tui.launch import build_app
    from inspect_tui.tui.screens.cases.listing import CasesScreen
    from inspect_tui.tui.screens.staff.surveyors import SurveyorsScreen
    from tui.conftest import settle

    p = _write_config(
        "retention_months = 999\n"
        "[keys]\n"
        '"cases.sort" = "2"\n'  # would take the screen-switch key on the case list: dropped
        '"screen.surveyors" = "f3"\n'  # fine: kept
        '"cases.filter" = "/"\n'  # "/" as typed: Textual calls it slash
    )
    app = build_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        messages = _messages(app)
        assert any(m.startswith(f"{p}:1: retention_months:") for m in messages), messages
        assert any(m.startswith(f'{p}:3: keys."cases.sort": 「2」は依頼の画面') for m in messages), messages
        assert any("既定値で動いています" in m for m in messages)
        assert app.config.retention_months == 3
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, SurveyorsScreen)
        await pilot.press("2")  # still the case list, not a sort
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)
        before = app.screen.filter.sort
        await pilot.press("s")  # cases.sort keeps its own key
        await settle(pilot)
        assert app.screen.filter.sort != before
        await pilot.press("slash")
        assert app.screen.focused.id == "filter-input"


async def test_a_broken_sla_file_at_start_up_leaves_the_shipped_indicators(sample_db, tmp_path):
    from inspect_tui.tui.launch import build_app
    from tui.conftest import settle

    sla = tmp_path / "sla.toml"
    sla.write_text(SLA_OK.replace('metric = "late_contact"\n', ""), encoding="utf-8")
    _write_config(f'sla_file = "{sla}"\n')
    app = build_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        expected = f"{sla}:1: indicator[1]（late）: metric がありません"
        assert any(m.startswith(expected) for m in _messages(app)), _messages(app)
        assert app.config.sla_file is None and app.session.config.sla_file is None


# --------------------------------------------------------------------------- [keys]
@pytest.mark.parametrize(
    ("written", "textual"),
    [
        ("/", "slash"),  # as typed: Textual's event says slash
        ("?", "question_mark"),
        ("G", "G"),
        ("F2", "f2"),
        ("Shift+Ctrl+Left", "ctrl+shift+left"),  # Textual writes modifiers sorted
        ("ctrl+/", "ctrl+slash"),
        (" slash , ctrl+k ", "slash,ctrl+k"),
        ("yen_sign", "yen_sign"),
    ],
)
def test_key_names_are_written_as_textual_matches_them(written, textual):
    from inspect_tui.tui.keymap import normalize_keys

    assert normalize_keys(written) == (textual, [])


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("esc", "というキーはありません"),
        ("hello", "というキーはありません"),
        ("ctrl+shft+x", "「shft」は修飾キーではありません"),
        ("ctrl+ctrl+x", "同じ修飾キーが2回"),
        ("ctrl++", "plus と書きます"),
        ("a,,b", "空のキーがあります"),
        ("\x01", "制御文字"),
        ("<any>", "というキーはありません"),
    ],
)
def test_key_names_textual_would_never_send(written, words):
    from inspect_tui.tui.keymap import normalize_keys

    keys, problems = normalize_keys(written)
    assert keys is None and any(words in p for p in problems), problems


def test_the_usable_part_of_a_keymap_is_kept():
    from inspect_tui.tui.keymap import check_keymap

    good, problems = check_keymap({"screen.cases": "f2", "cases.sort": "j", "cases.filter": "?", "x.y": "z"})
    assert good == {"screen.cases": "f2"}
    assert {p.binding_id for p in problems} == {"cases.sort", "cases.filter", "x.y"}
    # j is list.down in the case table; ? opens the key list everywhere
    assert any("list.down" in p.message for p in problems if p.binding_id == "cases.sort")
    assert any("app.help" in p.message for p in problems if p.binding_id == "cases.filter")


def test_moving_a_key_out_of_the_way_frees_it():
    from inspect_tui.tui.keymap import check_keymap

    # 2 is free on the case list once the screen switch has another key
    assert check_keymap({"screen.cases": "f2", "cases.sort": "2"}) == (
        {"screen.cases": "f2", "cases.sort": "2"},
        [],
    )


def test_every_widget_with_keys_has_its_screens_named():
    import importlib
    import pkgutil

    from textual.screen import Screen
    from textual.widget import Widget

    from inspect_tui.tui import widgets
    from inspect_tui.tui.bindings import WIDGET_HOSTS

    with_keys = set()
    for m in pkgutil.iter_modules(widgets.__path__):
        module = importlib.import_module(f"{widgets.__name__}.{m.name}")
        for name, cls in vars(module).items():
            if isinstance(cls, type) and issubclass(cls, Widget) and not issubclass(cls, Screen):
                if cls.__module__ == module.__name__ and any(b.id for b in getattr(cls, "BINDINGS", [])):
                    with_keys.add(f"{module.__name__}.{name}")
    assert with_keys and with_keys <= set(WIDGET_HOSTS)


def test_checking_the_file_alone_does_not_load_textual():
    import subprocess
    import sys

    code = (
        "import sys\nfrom inspect_tui.services.config_check import check_config\n"
        "check_config(keys=None, indicators=False)\n"
        "print(sorted(m for m in ('textual', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- any indicator file
_toml_values = st.sampled_from(
    ['"x"', '"late_contact"', '"accepted"', '"manual"', '"="', '"<="', '"monthly"', '"yearly"', '"必達"',
     '"KPI"', '"higher"', '"-"', "0", "-1", "101", "1.5", "nan", "true", "[]", "{ 2027 = 1 }",
     '{ 2027 = "-" }', '{ FY2027 = 5 }', '{ x = 1 }', "{}", '""', '"%"', '"件"']
)  # fmt: skip
_indicator_keys = st.sampled_from(sorted({*SLA_KEYS, *KPI_KEYS, "unit", "unit_target", "source", "colour"}))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tables=st.lists(st.dictionaries(_indicator_keys, _toml_values, max_size=9), min_size=0, max_size=3),
    kind=st.sampled_from(["sla", "kpi"]),
)
def test_any_indicator_file_loads_or_says_what_is_wrong(tmp_path, tables, kind):
    from inspect_tui.services.reports.indicators import IndicatorFileError, load_kpi, load_sla

    path = tmp_path / f"{kind}.toml"
    path.write_text(
        "".join("[[indicator]]\n" + "".join(f"{k} = {v}\n" for k, v in t.items()) for t in tables),
        encoding="utf-8",
    )
    try:
        loaded = (load_sla if kind == "sla" else load_kpi)(path)
    except IndicatorFileError as exc:
        assert exc.problems and all(p.startswith(f"{path}:") for p in exc.problems), exc.problems
    else:
        assert len(loaded) == len(tables)


@pytest.mark.parametrize("key", ["metric", "comparator", "cycle", "level"])
def test_an_array_where_a_name_belongs(tmp_path, key):
    # TypeError (unhashable type: 'list') before: the value was looked up in a dict as it was
    from inspect_tui.services.reports.indicators import IndicatorFileError, load_sla

    path = tmp_path / "sla.toml"
    path.write_text(SLA_OK.replace(f"{key} = ", f"{key} = [] # ", 1), encoding="utf-8")
    with pytest.raises(IndicatorFileError, match=rf"indicator\[1\]\.{key}（late）"):
        load_sla(path)


def test_example_shows_the_document_frame():
    from inspect_tui.core.frame import Frame

    cfg = parse_config(EXAMPLE)
    assert cfg.document == Frame(
        addressee="神戸市福祉局介護保険課長 様",
        contract="神戸市介護保険認定調査業務（C地区）",
        seals=("業務責任者", "確認印"),
    )
    assert "# contractor = " in EXAMPLE and "# manager = " in EXAMPLE and "# footer = " in EXAMPLE


def test_document_section_is_read():
    cfg = parse_config(
        "[document]\n"
        'addressee = "神戸市福祉局介護保険課長 様"\ncontractor = "株式会社甲"\n'
        'contractor_address = "神戸市長田区1-1"\ncontract = "神戸市介護保険認定調査業務（C地区）"\n'
        'manager = "山田 一郎"\nseals = ["業務責任者", "課長", "確認印"]\n'
        'footer = "株式会社甲"\n'
    )
    f = cfg.document
    assert f is not None and f.contractor == "株式会社甲" and f.manager == "山田 一郎"
    assert f.seals == ("業務責任者", "課長", "確認印") and f.footer == "株式会社甲"
    assert parse_config("[document]\nseals = []\n").document.seals == ()
    assert parse_config("").document is None  # no section: no frame (the demo has its own)


def test_document_problems_name_the_key_and_line(tmp_path):
    p = tmp_path / "config.toml"
    p.write_text(
        '[document]\naddressee = 5\nseals = "業務責任者"\ncolour = "red"\nfooter = "一行目\\n二行目"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    msg = str(exc.value)
    assert f"{p}:2: document.addressee: 文字列にしてください" in msg
    assert f"{p}:3: document.seals: 押印欄の名前の配列にしてください" in msg
    assert f"{p}:4: document.colour: 知らないキーです（使えるキー: addressee," in msg
    assert f"{p}:5: document.footer: 改行や制御文字を含めない1行の文字列にしてください" in msg
    with pytest.raises(ConfigError, match=r"document: 表 \[document\] にしてください"):
        parse_config('document = "x"\n')


def test_the_application_kinds_in_scope_default_to_the_contract_and_are_read():
    # seed 001 §3(5)①: 新規申請及び変更申請に係る認定調査を対象とする (no renewals)
    assert load_config().application_kinds == ("新規", "区分変更")
    assert parse_config('application_kinds = ["新規", "区分変更", "更新"]\n').application_kinds == (
        "新規",
        "区分変更",
        "更新",
    )


@pytest.mark.parametrize(
    "value, said",
    [
        ('["新規", "継続"]', "「継続」は申請区分ではありません（新規 / 区分変更 / 更新）"),
        ("[]", "申請区分の配列にしてください"),
        ('"新規"', "申請区分の配列にしてください"),
        ('["新規", "新規"]', "同じ申請区分が2回あります"),
    ],
)
def test_config_check_names_a_bad_application_kind_with_its_line(capsys, value, said):
    p = _write_config(f'home_insurer = "神戸市"\napplication_kinds = {value}\n')
    assert main(["config", "check"]) == 2
    err = capsys.readouterr().err
    assert f"{p}:2: application_kinds: {said}" in err
