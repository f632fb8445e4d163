"""SLA and KPI indicators as data: data/sla.toml and data/kpi.toml, or the files the
config names (sla_file / kpi_file). Read strictly: every problem is reported
with the file, the line, the key and what is wrong, all at once.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from inspect_tui.core.metrics import COMPARATOR_WORDS, COMPARATORS
from inspect_tui.core.records import record
from inspect_tui.services.config import line_of
from inspect_tui.services.reports.metrics import METRICS
from inspect_tui.system.paths import data_file
from inspect_tui.system.textfile import TextFileError, read_text

LEVELS_SLA = ("必達", "ベストエフォート")
LEVELS_KPI = ("KGI", "KPI", "計画")
#: which level may sit under which (seed 000 §4(8): KGI → KPI → 計画)
PARENT_LEVELS = {"KGI": (), "KPI": ("KGI",), "計画": ("KGI", "KPI")}
CYCLES_SLA = ("monthly", "quarterly")
CYCLES_KPI = ("yearly", "quarterly", "monthly")
CYCLE_WORDS = {"monthly": "毎月", "quarterly": "四半期", "yearly": "年度"}
DIRECTIONS = ("higher", "lower")
MANUAL = "manual"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class IndicatorFileError(ValueError):
    """Problems in an indicator file; str() lists them all."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@record(frozen=True)
class SlaIndicator:
    id: str
    name: str
    metric: str
    comparator: str
    target: Decimal
    cycle: str
    level: str
    source: str = ""
    description: str = ""

    @property
    def target_text(self) -> str:
        unit = METRICS[self.metric].unit
        return f"{_num(self.target)}{unit}{COMPARATOR_WORDS[self.comparator]}"


@record(frozen=True)
class KpiIndicator:
    id: str
    level: str
    name: str
    metric: str  # a metric id, or "manual" (entered by hand)
    unit: str
    direction: str
    cycle: str
    targets: dict[int, Decimal | None]  # fiscal year -> target (None: 目標なし "-")
    unit_target: Decimal | None = None
    source: str = ""
    description: str = ""
    parent: str = ""  # the KGI (or KPI) this one serves: the tree the table indents
    #: fiscal years whose target is the previous year's actual (対前年度以上 / 以下); with a
    #: number in ``targets`` too, both hold (80%以上かつ対前年度以上: the stricter of the two)
    previous: frozenset[int] = frozenset()
    #: the actual of a year is the sum since the first year with a target (令和9年度までに4項目)
    cumulative: bool = False

    @property
    def lower_is_better(self) -> bool:
        return self.direction == "lower"

    @property
    def since(self) -> int:
        """The first fiscal year a cumulative indicator counts from."""
        return min(self.targets, default=0)

    def target_rule(self, fy: int) -> str:
        """The year's target as words: 95%以上, 対前年度以上, 80%以上かつ対前年度以上, 目標なし."""
        word = "以下" if self.lower_is_better else "以上"
        fixed = self.targets.get(fy)
        parts = []
        if fixed is not None:
            parts.append(f"{_num(fixed)}{self.unit}{word}")
        if fy in self.previous:
            parts.append(f"対前年度{word}")
        return "かつ".join(parts) or "目標なし"


def _num(v: Decimal) -> str:
    return f"{v:,}" if v == v.to_integral_value() else f"{v:,}".rstrip("0")


def _line_of_table(text: str, index: int, key: str | None = None) -> int:
    """Line of the index-th [[indicator]] (or a key inside it); 0 if not found."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip().startswith("[[indicator]]")]
    if index >= len(starts):
        return 0
    begin = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else len(lines)
    if key is None:
        return begin + 1
    pat = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=')
    for i in range(begin, end):
        if pat.match(lines[i]):
            return i + 1
    return begin + 1


def _is(value: Any, choices: Any) -> bool:
    """value is one of choices: a str (a TOML array or table is none of them, and is unhashable)."""
    return isinstance(value, str) and value in choices


def _decimal(v: Any) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, int | float | str):
        raise ValueError("数値にしてください")
    try:
        d = Decimal(str(v).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"「{v}」は数値ではありません") from None
    if not d.is_finite():
        raise ValueError("数値にしてください")
    return d


def _read(path: Path) -> tuple[str, list[dict[str, Any]]]:
    try:
        text = read_text(path)  # a BOM (Windows Notepad) is accepted
    except TextFileError as exc:
        raise IndicatorFileError([str(exc)]) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        raise IndicatorFileError(
            [f"{path}:{m.group(1) if m else 0}: TOML として読めません（{exc}）"]
        ) from None
    only = "知らないキーです（[[indicator]] の表だけを書きます）"
    problems = [
        f"{path}:{line_of(text, '', k) or line_of(text, k)}: {k}: {only}" for k in doc if k != "indicator"
    ]
    items = doc.get("indicator")
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        problems.append(f"{path}: [[indicator]] の表が1つ以上必要です")
    if problems:
        raise IndicatorFileError(problems)
    return text, items


class _Checker:
    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text, self.problems = path, text, []

    def fail(self, index: int, key: str | None, message: str, label: str) -> None:
        where = f"{self.path}:{_line_of_table(self.text, index, key)}"
        dotted = f"indicator[{index + 1}]" + (f".{key}" if key else "")
        self.problems.append(f"{where}: {dotted}（{label}）: {message}")


def _common(
    chk: _Checker, i: int, item: dict[str, Any], allowed: set[str], required: tuple[str, ...], seen: set[str]
) -> str:
    label = str(item.get("id", "?"))
    for k in item:
        if k not in allowed:
            chk.fail(i, k, f"知らないキーです（使えるキー: {', '.join(sorted(allowed))}）", label)
    for k in required:
        if k not in item:
            chk.fail(i, None, f"{k} がありません", label)
    ident = item.get("id")
    if "id" in item:
        if not isinstance(ident, str) or not _ID.match(ident):
            chk.fail(i, "id", "英小文字・数字・_ の ID にしてください（例: late_contact）", label)
        elif ident in seen:
            chk.fail(i, "id", f"ID「{ident}」が重複しています", label)
        else:
            seen.add(ident)
    for k in ("name", "source", "description"):
        if k in item and (not isinstance(item[k], str) or (k == "name" and not item[k].strip())):
            chk.fail(i, k, "文字列にしてください", label)
    return label


def load_sla(path: Path | None = None) -> list[SlaIndicator]:
    path = path or data_file("sla.toml")
    text, items = _read(path)
    chk, seen, out = _Checker(path, text), set(), []
    allowed = {"id", "name", "metric", "comparator", "target", "cycle", "level", "source", "description"}
    for i, item in enumerate(items):
        before = len(chk.problems)  # before the common checks: a missing key must keep it out too
        label = _common(
            chk, i, item, allowed, ("id", "name", "metric", "comparator", "target", "cycle", "level"), seen
        )
        metric = item.get("metric")
        if "metric" in item and not _is(metric, METRICS):
            chk.fail(i, "metric", f"知らない指標です（使える指標: {', '.join(METRICS)}）", label)
        if "comparator" in item and not _is(item["comparator"], COMPARATORS):
            chk.fail(i, "comparator", f"{' / '.join(COMPARATORS)} のどれかです", label)
        if "cycle" in item and not _is(item["cycle"], CYCLES_SLA):
            chk.fail(i, "cycle", f"{' / '.join(CYCLES_SLA)} のどれかです", label)
        if "level" in item and not _is(item["level"], LEVELS_SLA):
            chk.fail(i, "level", f"{' / '.join(LEVELS_SLA)} のどれかです", label)
        target = None
        if "target" in item:
            try:
                target = _decimal(item["target"])
                if target < 0:
                    raise ValueError("0以上にしてください")
                if _is(metric, METRICS) and METRICS[metric].is_rate and target > 100:
                    raise ValueError("割合（%）は0〜100です")
            except ValueError as exc:
                chk.fail(i, "target", str(exc), label)
        if len(chk.problems) == before and target is not None:
            out.append(
                SlaIndicator(
                    id=item["id"],
                    name=item["name"].strip(),
                    metric=metric,
                    comparator=item["comparator"],
                    target=target,
                    cycle=item["cycle"],
                    level=item["level"],
                    source=item.get("source", ""),
                    description=item.get("description", ""),
                )
            )
    if chk.problems:
        raise IndicatorFileError(chk.problems)
    return out


def _fy_key(k: str) -> int:
    m = re.match(r"^(?:FY)?(\d{4})$", k.strip().upper())
    if not m:
        raise ValueError(f"年度「{k}」は 2027 か FY2027 の形にしてください")
    return int(m.group(1))


_PREVIOUS = re.compile(r"^対?前年度(以上|以下)$")
_COMPOUND = re.compile(
    r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s*(?:%|％)?\s*(以上|以下)?\s*(?:かつ|、|,|and)\s*対?前年度(以上|以下)$"
)


def _target(v: Any, lower: bool | None) -> tuple[Decimal | None, bool]:
    """A year's target as written: a number, "-" (none), "対前年度以上" / "対前年度以下", or
    both ("80%以上かつ対前年度以上"); -> (the number or None, relative to the previous year)."""
    word = None if lower is None else ("以下" if lower else "以上")
    if isinstance(v, str):
        text = v.strip().replace(" ", "")
        if text == "-":
            return None, False
        m = _PREVIOUS.match(text)
        c = _COMPOUND.match(text)
        if m or c:
            said = [w for w in ((m.group(1),) if m else (c.group(2), c.group(3))) if w]
            if word and any(w != word for w in said):
                better = "低い" if lower else "高い"
                raise ValueError(f"「{v}」: この指標は{better}ほど良い（direction）ので「{word}」です")
            return (_decimal(c.group(1)) if c else None), True
        if "前年度" in text:
            raise ValueError(
                f"「{v}」は読めません（対前年度以上 / 対前年度以下 / 80%以上かつ対前年度以上 の形です）"
            )
    return _decimal(v), False


def load_kpi(path: Path | None = None) -> list[KpiIndicator]:
    path = path or data_file("kpi.toml")
    text, items = _read(path)
    chk, seen, out = _Checker(path, text), set(), []
    allowed = {
        "id",
        "level",
        "name",
        "metric",
        "unit",
        "direction",
        "cycle",
        "targets",
        "unit_target",
        "source",
        "description",
        "parent",
        "cumulative",
    }
    levels: dict[str, str] = {}  # id -> level, of the indicators above (a parent comes first)
    for i, item in enumerate(items):
        before = len(chk.problems)  # before the common checks: a missing key must keep it out too
        label = _common(
            chk, i, item, allowed, ("id", "level", "name", "metric", "direction", "targets"), seen
        )
        metric = item.get("metric")
        if "metric" in item and metric != MANUAL and not _is(metric, METRICS):
            chk.fail(
                i, "metric", f"知らない指標です（{MANUAL} = 手入力、または {', '.join(METRICS)}）", label
            )
        if "level" in item and not _is(item["level"], LEVELS_KPI):
            chk.fail(i, "level", f"{' / '.join(LEVELS_KPI)} のどれかです", label)
        if "direction" in item and not _is(item["direction"], DIRECTIONS):
            chk.fail(i, "direction", "higher（高いほど良い）/ lower（低いほど良い）のどれかです", label)
        cycle = item.get("cycle", "yearly")
        if not _is(cycle, CYCLES_KPI):
            chk.fail(i, "cycle", f"{' / '.join(CYCLES_KPI)} のどれかです", label)
        if metric == MANUAL and cycle != "yearly":
            chk.fail(i, "cycle", "手入力（manual）の指標は yearly だけです", label)
        unit = item.get("unit", METRICS[metric].unit if _is(metric, METRICS) else "")
        if not isinstance(unit, str):
            chk.fail(i, "unit", "文字列にしてください（例: 件, %）", label)
        elif _is(metric, METRICS) and unit != METRICS[metric].unit:
            chk.fail(i, "unit", f"指標 {metric} の単位は「{METRICS[metric].unit}」です", label)
        targets: dict[int, Decimal | None] = {}
        previous: set[int] = set()
        raw = item.get("targets")
        if "targets" in item:
            if not isinstance(raw, dict) or not raw:
                chk.fail(
                    i,
                    "targets",
                    '年度 = 目標値 の表にしてください（例: { 2027 = 14550 }、目標なしは "-"）',
                    label,
                )
            else:
                direction = item.get("direction")
                lower = None if not _is(direction, DIRECTIONS) else direction == "lower"
                for k, v in raw.items():
                    try:
                        fy = _fy_key(str(k))
                        targets[fy], relative = _target(v, lower)
                        if relative:
                            previous.add(fy)
                    except ValueError as exc:
                        chk.fail(i, "targets", f"{k}: {exc}", label)
        unit_target = None
        if "unit_target" in item:
            try:
                unit_target = _decimal(item["unit_target"])
            except ValueError as exc:
                chk.fail(i, "unit_target", str(exc), label)
        if (
            cycle in ("monthly", "quarterly")
            and unit != "%"
            and unit_target is None
            and "unit_target" not in item
        ):
            chk.fail(
                i,
                "unit_target",
                "件数の指標を毎月・四半期で判定するには unit_target（各月・各四半期の目標）が必要です",
                label,
            )
        parent = item.get("parent", "")
        level = item.get("level")
        if "parent" in item:
            if not isinstance(parent, str) or parent not in levels:
                chk.fail(i, "parent", "上にある指標の id にしてください（親は子より前に書きます）", label)
            elif _is(level, LEVELS_KPI) and levels[parent] not in PARENT_LEVELS[level]:
                allowed_parents = " / ".join(PARENT_LEVELS[level]) or "なし（KGI は一番上です）"
                chk.fail(
                    i,
                    "parent",
                    f"{level} の親は {allowed_parents} です（{parent} は {levels[parent]}）",
                    label,
                )
        cumulative = item.get("cumulative", False)
        if not isinstance(cumulative, bool):
            chk.fail(i, "cumulative", "true / false にしてください", label)
        elif cumulative and unit == "%":
            chk.fail(i, "cumulative", "割合（%）は累計できません（件数・項目数の指標だけ）", label)
        elif cumulative and previous:
            chk.fail(i, "cumulative", "累計の指標に対前年度の目標は使えません", label)
        if isinstance(item.get("id"), str) and _is(level, LEVELS_KPI):
            levels.setdefault(item["id"], level)
        if len(chk.problems) == before:
            out.append(
                KpiIndicator(
                    id=item["id"],
                    level=item["level"],
                    name=item["name"].strip(),
                    metric=metric,
                    unit=unit,
                    direction=item["direction"],
                    cycle=cycle,
                    targets=dict(sorted(targets.items())),
                    unit_target=unit_target,
                    source=item.get("source", ""),
                    description=item.get("description", ""),
                    parent=parent,
                    previous=frozenset(previous),
                    cumulative=cumulative,
                )
            )
    if chk.problems:
        raise IndicatorFileError(chk.problems)
    return out


def tree_order(indicators: list[KpiIndicator]) -> list[tuple[KpiIndicator, int]]:
    """The indicators as the table prints them: each one followed by those under it (in
    file order), with its depth (KGI 0 → KPI 1 → 計画 2)."""
    children: dict[str, list[KpiIndicator]] = {}
    for ind in indicators:
        children.setdefault(ind.parent, []).append(ind)
    out: list[tuple[KpiIndicator, int]] = []

    def walk(parent: str, depth: int) -> None:
        for ind in children.get(parent, []):
            out.append((ind, depth))
            walk(ind.id, depth + 1)

    walk("", 0)
    return out
