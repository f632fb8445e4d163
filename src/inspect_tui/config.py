"""The user's config file (TOML in the XDG config dir), read and checked strictly.

Every problem is reported with the file, the line and the key, e.g.
``~/.config/inspect-tui/config.toml:7: prices.home: 0以上の整数（円）にしてください``.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_tui.paths import config_path

DEFAULT_WARDS = ("長田区", "須磨区", "垂水区")

EXAMPLE = """\
# inspect-tui の設定ファイル
home_insurer = "神戸市"          # この保険者の依頼 = 自市、他は他市町村
wards = ["長田区", "須磨区", "垂水区"]
theme = "default"                # default / light / high-contrast
extra_closures = []              # 臨時閉庁日: ["2027-08-14", …]
retention_months = 3             # 受理・中止・返却から個人情報を消すまでの月数

[prices]                         # 調査1件あたりの単価（円、税抜）
home = 0
other = 0

[keys]                           # キー割り当ての変更: 操作ID = "キー"
# "screen.cases" = "2"
"""


class ConfigError(ValueError):
    """One or more problems in the config file; str() lists them all."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    home_insurer: str = "神戸市"
    wards: tuple[str, ...] = DEFAULT_WARDS
    theme: str = "default"
    extra_closures: frozenset[dt.date] = frozenset()
    retention_months: int = 3
    unit_price_home: int = 0
    unit_price_other: int = 0
    keys: dict[str, str] = field(default_factory=dict)
    sla_file: Path | None = None
    kpi_file: Path | None = None

    def is_home(self, insurer: str | None) -> bool:
        return not insurer or insurer.strip() == self.home_insurer


def _line_of(text: str, dotted: str) -> int:
    """Best-effort line number of a key in TOML text (1-based; 0 if not found)."""
    *tables, key = dotted.split(".")
    section = ".".join(tables)
    current = ""
    pat = re.compile(rf'^\s*("?){re.escape(key)}\1\s*=')
    for no, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if s.startswith("[") and not s.startswith("[["):
            current = s.strip("[] ")
            continue
        if current == section and pat.match(line):
            return no
    return 0


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
    from inspect_tui.paths import themes_dir

    known = sorted(p.stem for p in themes_dir().glob("*.toml"))
    if known and name not in known:
        raise ValueError(f"「{name}」というテーマはありません（{' / '.join(known)}）")
    return name


def _keys(v: Any) -> dict[str, str]:
    if not isinstance(v, dict) or not all(
        isinstance(k, str) and isinstance(x, str) and x for k, x in v.items()
    ):
        raise ValueError('操作ID = "キー" の表にしてください')
    return dict(v)


def _path(v: Any) -> Path:
    return Path(_str(v)).expanduser()


# key -> (Config field, checker)
_TOP: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "home_insurer": ("home_insurer", _str),
    "wards": ("wards", _wards),
    "theme": ("theme", _theme),
    "extra_closures": ("extra_closures", _dates),
    "retention_months": ("retention_months", _months),
    "keys": ("keys", _keys),
    "sla_file": ("sla_file", _path),
    "kpi_file": ("kpi_file", _path),
}
_PRICES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "home": ("unit_price_home", _yen),
    "other": ("unit_price_other", _yen),
}


def parse_config(text: str, path: Path | None = None) -> Config:
    where = str(path) if path else "<config>"
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{where}: TOML として読めません: {exc}"]) from None
    values: dict[str, Any] = {}
    problems: list[str] = []

    def check(dotted: str, raw: Any, spec: tuple[str, Callable[[Any], Any]]) -> None:
        attr, fn = spec
        try:
            values[attr] = fn(raw)
        except ValueError as exc:
            problems.append(f"{where}:{_line_of(text, dotted)}: {dotted}: {exc}")

    for key, raw in doc.items():
        if key == "prices":
            if not isinstance(raw, dict):
                problems.append(f"{where}:{_line_of(text, key)}: prices: 表 [prices] にしてください")
                continue
            for pkey, praw in raw.items():
                if pkey in _PRICES:
                    check(f"prices.{pkey}", praw, _PRICES[pkey])
                else:
                    problems.append(
                        f"{where}:{_line_of(text, 'prices.' + pkey)}: prices.{pkey}: "
                        f"知らないキーです（使えるキー: {', '.join(_PRICES)}）"
                    )
        elif key in _TOP:
            check(key, raw, _TOP[key])
        else:
            problems.append(
                f"{where}:{_line_of(text, key)}: {key}: 知らないキーです"
                f"（使えるキー: {', '.join([*_TOP, 'prices'])}）"
            )
    if problems:
        raise ConfigError(problems)
    return Config(path=path, **values)


def load_config(path: Path | None = None) -> Config:
    """The config at path (default: the XDG location); defaults when the file is absent."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path=None)
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: UTF-8 で保存してください"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: 読めません: {exc.strerror}"]) from None
    return parse_config(text, path)
