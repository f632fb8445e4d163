"""The user's config file (TOML in the XDG config dir), read and checked strictly.

Every problem is reported with the file, the line and the key, e.g.
``~/.config/inspect-tui/config.toml:7: prices.home: 0以上の整数（円）にしてください``.
``read_config`` gives the config with the default for each broken part and the list
of problems (the app starts with it); ``parse_config`` / ``load_config`` raise
ConfigError instead (the commands). What the config points at ([keys], the
indicator files) is checked in config_check.py.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspect_tui.core.district import (
    APPLICATION_KINDS,
    DEFAULT_APPLICATION_KINDS,
    DEFAULT_HOME_INSURER,
    DEFAULT_WARDS,
)
from inspect_tui.core.records import field, record
from inspect_tui.system.paths import config_path, themes_dir
from inspect_tui.system.textfile import TextFileError, read_text

if TYPE_CHECKING:  # imported where a config uses them: the app reads its config before its first paint
    from inspect_tui.core.frame import Frame

EXAMPLE = """\
# inspect-tui の設定ファイル
home_insurer = "神戸市"          # この保険者の依頼 = 自市、他は他市町村
wards = ["長田区", "須磨区", "垂水区"]
application_kinds = ["新規", "区分変更"]  # 契約の対象の申請区分（新規 / 区分変更 / 更新）。対象外は取込で注意
theme = "default"                # default / light / high-contrast
extra_closures = []              # 臨時閉庁日: ["2027-08-14", …]
retention_months = 3             # 最後の提出（提出前の中止・返却はその日）から個人情報を消すまでの月数
# sla_file = "sla.toml"          # SLA の指標（既定: 同梱の data/sla.toml）。このフォルダから探します
# kpi_file = "kpi.toml"          # KGI/KPI の達成表の指標（既定: 同梱の data/kpi.toml）

[prices]                         # 調査1件あたりの単価（円、税抜）
home = 0
other = 0

[document]                       # 報告書の枠: 全報告書（text / md / html / pdf / xlsx）の頭と押印欄とフッター
addressee = "神戸市福祉局介護保険課長 様"       # 宛先（左上）
contract = "神戸市介護保険認定調査業務（C地区）" # 契約件名（表題の下）
# contractor = "株式会社〇〇"                   # 受託者の名称（右上、発行日の下）
# contractor_address = "神戸市〇〇区〇〇町1-2-3" # 受託者の住所
# manager = "〇〇 〇〇"                         # 業務責任者名
seals = ["業務責任者", "確認印"]                # 押印欄: 報告書ごとの押印欄の後に（[] でなし）
# footer = "株式会社〇〇"                       # 各ページのフッター（PDF はページ番号も）

[review]                         # 点検（重点チェック・3か月/6か月後の確認）
chiefs_check = "own_wards"       # own_wards: 主任は担当区の調査票（と割り当て）だけ / any: どの区も

[keys]                           # キー割り当ての変更: 操作ID = "キー"（ID は ? のキー一覧に出ます）
# "screen.cases" = "f2"          # 複数なら "slash,ctrl+k"。inspect-tui config check で確かめられます
"""


class ConfigError(ValueError):
    """One or more problems in the config file; str() lists them all."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@record(frozen=True)
class Config:
    path: Path | None = None
    home_insurer: str = DEFAULT_HOME_INSURER
    wards: tuple[str, ...] = DEFAULT_WARDS
    #: the kinds of application (申請区分) the contract covers; an import warns on the others
    application_kinds: tuple[str, ...] = DEFAULT_APPLICATION_KINDS
    theme: str = "default"
    extra_closures: frozenset[dt.date] = frozenset()
    retention_months: int = 3
    unit_price_home: int = 0
    unit_price_other: int = 0
    keys: dict[str, str] = field(default_factory=dict)
    sla_file: Path | None = None
    kpi_file: Path | None = None
    #: the document frame ([document]); None: none configured (the demo uses its own)
    document: Frame | None = None
    #: [review] chiefs_check: which forms a chief checks (services/review/wards.py):
    #: "own_wards" (their wards, and what a manager assigns them) or "any"
    chiefs_check: str = "own_wards"

    def is_home(self, insurer: str | None) -> bool:
        return not insurer or insurer.strip() == self.home_insurer


_TABLE = re.compile(r"""^\s*\[\s*("?)([^\]"]+)\1\s*\]\s*(#.*)?$""")


def line_of(text: str, table: str, key: str | None = None) -> int:
    """Best-effort line (1-based; 0 if not found) of key in [table] ("" = top level), or of the
    [table] header itself. Quoted keys (``"screen.cases" = "2"``) and dotted ones
    (``keys."screen.cases" = "2"``) are found too."""
    quoted = rf"""(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')""" if key else ""
    inside = re.compile(rf"^\s*{quoted}\s*=") if key else None
    prefix = rf"""(?:{re.escape(table)}|"{re.escape(table)}")\s*\.\s*""" if table else ""
    dotted = re.compile(rf"^\s*{prefix}{quoted}\s*=") if key and table else None
    current, header = "", 0
    for no, line in enumerate(text.splitlines(), 1):
        m = _TABLE.match(line)
        if m and not line.strip().startswith("[["):
            current = m.group(2).strip()
            if current == table and not header:
                header = no
            continue
        if inside and current == table and inside.match(line):
            return no
        if dotted and current == "" and dotted.match(line):
            return no
    return header


def _str(v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ValueError("空でない文字列にしてください")
    return v.strip()


def _yen(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise ValueError("0以上の整数（円）にしてください")
    return v


def _months(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 120:
        raise ValueError("0〜120 の整数（月）にしてください")
    return v


def _wards(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not v or not all(isinstance(w, str) and w.strip() for w in v):
        raise ValueError('区名の配列にしてください（例: ["長田区", "須磨区"]）')
    return tuple(w.strip() for w in v)


def _application_kinds(v: Any) -> tuple[str, ...]:
    known = " / ".join(APPLICATION_KINDS)
    if not isinstance(v, list) or not v or not all(isinstance(k, str) for k in v):
        raise ValueError(f'申請区分の配列にしてください（{known} から。例: ["新規", "区分変更"]）')
    kinds = tuple(k.strip() for k in v)
    unknown = [k for k in kinds if k not in APPLICATION_KINDS]
    if unknown:
        raise ValueError(f"「{'、'.join(unknown)}」は申請区分ではありません（{known}）")
    if len(set(kinds)) != len(kinds):
        raise ValueError("同じ申請区分が2回あります")
    return kinds


def _dates(v: Any) -> frozenset[dt.date]:
    from inspect_tui.core.jpdate import DateError, parse_date

    if not isinstance(v, list):
        raise ValueError('日付の配列にしてください（例: ["2027-08-14"]）')
    out = set()
    for item in v:
        if isinstance(item, dt.date) and not isinstance(item, dt.datetime):
            out.add(item)
        elif isinstance(item, str):
            try:
                out.add(parse_date(item))
            except DateError as exc:
                raise ValueError(str(exc)) from None
        else:
            raise ValueError(f"{item!r} は日付ではありません")
    return frozenset(out)


def _theme(v: Any) -> str:
    name = _str(v)

    known = sorted(p.stem for p in themes_dir().glob("*.toml"))
    if known and name not in known:
        raise ValueError(f"「{name}」というテーマはありません（{' / '.join(known)}）")
    return name


def _path(v: Any) -> Path:
    return Path(_str(v)).expanduser()


# key -> (Config field, checker); [keys] and [prices] are tables, checked entry by entry
_TOP: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "home_insurer": ("home_insurer", _str),
    "wards": ("wards", _wards),
    "application_kinds": ("application_kinds", _application_kinds),
    "theme": ("theme", _theme),
    "extra_closures": ("extra_closures", _dates),
    "retention_months": ("retention_months", _months),
    "sla_file": ("sla_file", _path),
    "kpi_file": ("kpi_file", _path),
}
_PRICES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "home": ("unit_price_home", _yen),
    "other": ("unit_price_other", _yen),
}
_TABLES = ("prices", "keys", "document", "review")
CHIEFS_CHECK = ("own_wards", "any")


def _chiefs_check(v: Any) -> str:
    if v not in CHIEFS_CHECK:
        raise ValueError(f"{' / '.join(CHIEFS_CHECK)} のどれかにしてください")
    return str(v)


_REVIEW: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "chiefs_check": ("chiefs_check", _chiefs_check),
}


def _text_line(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError("文字列にしてください")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in v):
        raise ValueError("改行や制御文字を含めない1行の文字列にしてください")
    if len(v) > 200:
        raise ValueError("200文字以内にしてください")
    return v.strip()


def _seals(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        raise ValueError('押印欄の名前の配列にしてください（例: ["業務責任者", "確認印"]、なしは []）')
    if len(v) > 6:
        raise ValueError("押印欄は6つまでにしてください")
    return tuple(_text_line(x) for x in v)


# [document] key -> (Frame field, checker)
_DOCUMENT: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "addressee": ("addressee", _text_line),
    "contractor": ("contractor", _text_line),
    "contractor_address": ("contractor_address", _text_line),
    "contract": ("contract", _text_line),
    "manager": ("manager", _text_line),
    "seals": ("seals", _seals),
    "footer": ("footer", _text_line),
}


def quoted_key(key: str) -> str:
    """A key as TOML writes it: ``keys."screen.cases"``, ``prices.home``."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else f'"{key}"'


def read_config(text: str, path: Path | None = None) -> tuple[Config, list[str]]:
    """The config in text, with the default for every broken part, and one message per problem
    (``file:line: key: what is wrong``). The app starts with this; commands use parse_config."""
    where = str(path) if path else "<config>"
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        return Config(path=path), [f"{where}:{m.group(1) if m else 0}: TOML として読めません（{exc}）"]
    values: dict[str, Any] = {}
    problems: list[str] = []

    def fail(table: str, key: str, message: str) -> None:
        dotted = f"{table}.{quoted_key(key)}" if table else key
        problems.append(f"{where}:{line_of(text, table, key)}: {dotted}: {message}")

    def check(table: str, key: str, raw: Any, spec: tuple[str, Callable[[Any], Any]]) -> None:
        attr, fn = spec
        try:
            values[attr] = fn(raw)
        except ValueError as exc:
            fail(table, key, str(exc))

    for key, raw in doc.items():
        if key in _TABLES and not isinstance(raw, dict):
            fail("", key, f"表 [{key}] にしてください")
        elif key == "prices":
            for pkey, praw in raw.items():
                if pkey in _PRICES:
                    check("prices", pkey, praw, _PRICES[pkey])
                else:
                    fail("prices", pkey, f"知らないキーです（使えるキー: {', '.join(_PRICES)}）")
        elif key == "review":
            for rkey, rraw in raw.items():
                if rkey in _REVIEW:
                    check("review", rkey, rraw, _REVIEW[rkey])
                else:
                    fail("review", rkey, f"知らないキーです（使えるキー: {', '.join(_REVIEW)}）")
        elif key == "keys":
            keys: dict[str, str] = {}
            for kid, kraw in raw.items():
                if isinstance(kraw, str) and kraw.strip():
                    keys[kid] = kraw
                else:
                    fail("keys", kid, '"キー" の文字列にしてください（例: "f2"、複数なら "slash,ctrl+k"）')
            values["keys"] = keys
        elif key == "document":
            frame: dict[str, Any] = {}
            for dkey, draw in raw.items():
                if dkey not in _DOCUMENT:
                    fail("document", dkey, f"知らないキーです（使えるキー: {', '.join(_DOCUMENT)}）")
                    continue
                attr, fn = _DOCUMENT[dkey]
                try:
                    frame[attr] = fn(draw)
                except ValueError as exc:
                    fail("document", dkey, str(exc))
            from inspect_tui.core.frame import Frame

            values["document"] = Frame(**frame)
        elif key in _TOP:
            check("", key, raw, _TOP[key])
        else:
            fail("", key, f"知らないキーです（使えるキー: {', '.join([*_TOP, *_TABLES])}）")
    for attr in ("sla_file", "kpi_file"):  # relative to the config file's folder, not the current one
        if path is not None and attr in values and not values[attr].is_absolute():
            values[attr] = path.parent / values[attr]
    return Config(path=path, **values), problems


def parse_config(text: str, path: Path | None = None) -> Config:
    """The config in text; raises ConfigError listing every problem."""
    config, problems = read_config(text, path)
    if problems:
        raise ConfigError(problems)
    return config


def read_config_file(path: Path | None = None) -> tuple[Config, list[str], str]:
    """The config at path (default: the XDG location) as read_config gives it, and its text.
    No file: the defaults, no problems."""
    path = path or config_path()
    try:
        text = read_text(path)
    except TextFileError as exc:
        if exc.missing:
            return Config(path=None), [], ""
        return Config(path=None), [str(exc)], ""
    config, problems = read_config(text, path)
    return config, problems, text


def load_config(path: Path | None = None) -> Config:
    """The config at path (default: the XDG location); defaults when the file is absent.
    Raises ConfigError listing every problem."""
    config, problems, _text = read_config_file(path)
    if problems:
        raise ConfigError(problems)
    return config
