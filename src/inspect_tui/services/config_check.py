"""Everything the config file points at, checked at once.

``inspect-tui config check`` prints every problem (exit 2 when there is one);
the app shows the same problems at start-up and runs with the defaults for
each broken part; a command that uses a part (``report sla`` the SLA
indicators) refuses to run while it is broken. Each problem names a file, a
line and a key:

- the config file itself (unknown keys, bad values, not UTF-8, TOML errors);
- its ``[keys]``, by the checker the caller passes (tui/keymap.py knows the app's
  keys: unknown ids and key names, collisions);
- the indicator files ``sla_file`` and ``kpi_file`` name: missing, unreadable,
  not UTF-8, or an indicator with a key missing or wrong, at that file's own line.

The report services are imported only when asked to check the indicators.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from inspect_tui.core.records import record, replace
from inspect_tui.services.config import Config, line_of, read_config_file
from inspect_tui.services.reports.indicators import IndicatorFileError, load_kpi, load_sla
from inspect_tui.system.textfile import TextFileError, read_text

INDICATOR_KINDS = ("sla", "kpi")
INDICATOR_LABELS = {"sla": "SLA の指標", "kpi": "KGI/KPI の指標"}


@record(frozen=True)
class ConfigReport:
    config: Config  # what to run with: the defaults for every broken part
    problems: tuple[str, ...]
    text: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def _where(config: Config) -> str:
    return str(config.path) if config.path else "<config>"


def indicator_problems(
    config: Config, text: str = "", kinds: tuple[str, ...] = INDICATOR_KINDS
) -> tuple[Config, list[str]]:
    """Problems in the indicator files the config names, and the config with each broken one
    replaced by the shipped file (data/sla.toml, data/kpi.toml)."""

    loaders = {"sla": load_sla, "kpi": load_kpi}
    problems: list[str] = []
    for kind in kinds:
        key = f"{kind}_file"
        path: Path | None = getattr(config, key)
        if path is None:
            continue
        try:
            read_text(path)
            loaders[kind](path)
        except TextFileError as exc:  # the file as a whole: say which line of the config names it
            problems.append(f"{_where(config)}:{line_of(text, '', key)}: {key}: {exc}")
        except IndicatorFileError as exc:  # inside it: that file's own lines and keys
            problems += exc.problems
        else:
            continue
        config = replace(config, **{key: None})
    return config, problems


def indicators_in_use(config: Config) -> tuple[Config, list[str]]:
    """The config as a session uses it, each broken indicator file replaced by the shipped one,
    and what is wrong with them (with the config file's line numbers). The app's session and
    the read-ahead (services.today_figures) call this when the config names such a file."""
    try:
        text = read_text(config.path) if config.path else ""
    except TextFileError:
        text = ""
    return indicator_problems(config, text)


#: (config, its text) -> (the usable part of [keys], a ``file:line: keys."id": …`` message per problem)
KeyChecker = Callable[[Config, str], tuple[dict[str, str], list[str]]]


def check_config(
    path: Path | None = None, *, keys: KeyChecker | None = None, indicators: bool = True
) -> ConfigReport:
    """The config at path (default: the XDG location) and what it points at; ``keys`` checks
    the [keys] table (the UI that owns the keys passes it)."""
    config, problems, text = read_config_file(path)
    if keys is not None and config.keys:
        good, key_problems = keys(config, text)
        config = replace(config, keys=good)
        problems += key_problems
    if indicators:
        config, more = indicator_problems(config, text)
        problems += more
    return ConfigReport(config, tuple(problems), text)
