"""Checking a user's ``[keys]`` before the app uses it.

A remapping can go wrong in four ways, each reported with the binding id:

- the id does not exist;
- a key name Textual would never deliver (``ctrl+shft+x``, ``hello``);
- a key that another binding of the same screen already has: the user's binding
  shadows it or is shadowed (``"cases.sort" = "2"`` takes the screen-switch key
  away on the case list; ``"cases.clear" = "q"`` takes away quitting);
- a key Textual itself keeps: ``ctrl+q`` quits the app whatever it is bound to.

A screen's keys are the app's, the screen class's (with what it inherits) and
those of the widgets it shows that have keys of their own (``bindings.WIDGET_HOSTS``
for widgets in tui/widgets; a widget defined in a screen's module belongs to the
screens of that module). Only collisions the user's keymap makes are reported:
the declared keys overlap on purpose in places (Esc on the case list clears the
filter before it goes back).

``check_keymap`` returns the usable part of the keymap (every entry without a
problem, keys normalised as Textual matches them) and the problems.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.keys import Keys, _character_to_key, key_to_character

from inspect_tui.core.records import record
from inspect_tui.tui import bindings

#: Modifiers in the order Textual writes them in a key event (sorted).
MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")

#: Textual's own keys (no id), as our users know them.
BUILTIN_LABELS = {
    "quit": "アプリの終了（Textual が決めている終了キー）",
    "help_quit": "終了の案内",
    "command_palette": "コマンドパレット",
    "app.focus_next": "次の欄へ移る",
    "app.focus_previous": "前の欄へ移る",
    "screen.copy_text": "選んだ文字のコピー",
}
QUIT_ACTIONS = ("quit", "app.quit", "app.quit_from_top")

#: The screens' names in messages, by the first part of their bindings' ids.
SCREEN_LABELS = {
    "today": "今日の画面",
    "cases": "依頼の画面",
    "case": "依頼の詳細画面",
    "surveyors": "調査員の画面",
    "dialog": "記録の入力画面",
    "review": "点検の画面",
    "reports": "帳票の画面",
    "quality": "品質の画面",
    "audit": "監査記録の画面",
    "app": "キー一覧",
}


@record(frozen=True)
class KeyProblem:
    binding_id: str
    message: str


@record(frozen=True)
class _Bound:
    """One binding in a screen's scope, with its keys."""

    id: str | None
    action: str
    label: str
    keys: frozenset[str]
    priority: bool

    @property
    def name(self) -> str:
        return f"「{self.label}」（{self.id}）" if self.id else f"「{self.label}」"


# --------------------------------------------------------------------------- key names
@cache
def _base_names() -> frozenset[str]:
    """Every key name without modifiers that Textual can put in a key event."""
    names = {k.value.rpartition("+")[2] for k in Keys if not k.value.startswith("<")}
    names |= {_character_to_key(chr(c)) for c in range(33, 127)}
    names |= {"space", "tab", "enter", "escape", "backspace"}
    return frozenset(n for n in names if n)


def normalize_key(key: str) -> tuple[str | None, str | None]:
    """(the key as Textual matches it, None) or (None, what is wrong)."""
    key = key.strip()
    if not key:
        return None, "空のキーがあります（カンマが続いていませんか）"
    if not key.isprintable():
        return None, "キーに制御文字が入っています"
    if len(key) == 1:  # "/" and "?" as typed; Textual calls them slash and question_mark
        return _character_to_key(key), None
    *mods, base = key.split("+")
    if not base:  # "ctrl++": the plus key is called "plus"
        return None, f"「{key}」の最後にキーがありません（+ のキーは plus と書きます）"
    mods = [m.strip().lower() for m in mods]
    bad = [m for m in mods if m not in MODIFIERS]
    if bad:
        return None, f"「{key}」の「{bad[0]}」は修飾キーではありません（使えるのは {' / '.join(MODIFIERS)}）"
    if len(set(mods)) != len(mods):
        return None, f"「{key}」に同じ修飾キーが2回あります"
    base = base.strip()
    if len(base) == 1:
        base = _character_to_key(base) if mods else base
        if mods:
            base = base.lower()
    elif base.lower() in _base_names():
        base = base.lower()
    elif (ch := key_to_character(base)) is None or _character_to_key(ch) != base:
        return None, (
            f"「{key}」というキーはありません（例: f2, ctrl+k, slash, question_mark, a, G。"
            "名前は Textual のキー名です）"
        )
    return "+".join([*sorted(mods), base]), None


def normalize_keys(value: str) -> tuple[str | None, list[str]]:
    """A comma-separated key list normalised, or the problems with it."""
    keys, problems = [], []
    for part in value.split(","):
        key, problem = normalize_key(part)
        if problem:
            problems.append(problem)
        elif key is not None and key not in keys:
            keys.append(key)
    return (",".join(keys) if not problems else None), problems


# --------------------------------------------------------------------------- scopes
def _binding_label(b: Binding) -> str:
    return b.tooltip or b.description or BUILTIN_LABELS.get(b.action, b.action)


def _bound(found: Iterable[Binding]) -> list[_Bound]:
    """Bindings of one class (one per id, keys merged); Textual's own ones labelled in Japanese."""
    by_id: dict[str, tuple[Binding, set[str]]] = {}
    for b in found:
        keys = {k.strip() for k in b.key.split(",")}
        entry = by_id.setdefault(b.id or f"\0{b.action}", (b, set()))
        entry[1].update(keys)
    out = []
    for b, keys in by_id.values():
        label = BUILTIN_LABELS.get(b.action) if b.id is None else None
        out.append(_Bound(b.id, b.action, label or _binding_label(b), frozenset(keys), b.priority))
    return out


def _class_bindings(cls: type) -> list[_Bound]:
    merged = cls._merge_bindings()  # type: ignore[attr-defined]  # Textual: with inherited ones
    return _bound(b for found in merged.key_to_bindings.values() for b in found)


def _screen_label(cls: type, scope: list[_Bound]) -> str:
    for b in scope:
        if b.id and not b.id.startswith(("app.", "screen.", "list.")):
            return SCREEN_LABELS.get(b.id.split(".")[0], f"{b.id.split('.')[0]} の画面")
    return SCREEN_LABELS.get("app", "キー一覧") if cls.__name__ == "HelpScreen" else cls.__name__


@cache
def screen_scopes() -> tuple[tuple[str, tuple[_Bound, ...]], ...]:
    """(label, bindings) for every screen of the app: the app's keys, the screen's, its widgets'."""
    from textual.screen import Screen
    from textual.widget import Widget

    from inspect_tui.tui.app import InspectApp
    from inspect_tui.tui.screens import __path__ as screens_path

    app_layer = _class_bindings(InspectApp)
    app_layer.append(
        _Bound(None, "command_palette", BUILTIN_LABELS["command_palette"], frozenset({"ctrl+p"}), True)
    )
    modules = [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(screens_path, "inspect_tui.tui.screens.")
        if not m.ispkg
    ]
    hosted: dict[str, list[_Bound]] = {}
    for qualname, hosts in bindings.WIDGET_HOSTS.items():
        module, _, name = qualname.rpartition(".")
        widget = getattr(importlib.import_module(module), name)
        for host in hosts:
            hosted.setdefault(host, []).extend(_class_bindings(widget))
    scopes = []
    for module in modules:
        classes = [
            c for c in vars(module).values() if isinstance(c, type) and c.__module__ == module.__name__
        ]
        widgets = [c for c in classes if issubclass(c, Widget) and not issubclass(c, Screen)]
        own_widgets = [b for w in widgets for b in _class_bindings(w)]
        for cls in classes:
            if not issubclass(cls, Screen) or not any(b.id for b in _class_bindings(cls)):
                continue  # a base class such as DataScreen: its keys are in every screen built on it
            layer = [
                *own_widgets,
                *hosted.get(f"{module.__name__}.{cls.__name__}", []),
                *_class_bindings(cls),
            ]
            scopes.append((_screen_label(cls, layer), (*layer, *app_layer)))
    first = [SCREEN_LABELS[mode] for mode, _key, _label in bindings.SCREENS if mode in SCREEN_LABELS]
    scopes.sort(key=lambda s: first.index(s[0]) if s[0] in first else len(first))  # 今日の画面 first
    return tuple(scopes)


# --------------------------------------------------------------------------- the check
def check_keymap(keys: Mapping[str, str]) -> tuple[dict[str, str], list[KeyProblem]]:
    """The usable part of a user's keymap (normalised) and every problem in it."""
    known = all_binding_ids()
    problems: list[KeyProblem] = []
    normal: dict[str, str] = {}
    for bid, value in keys.items():
        if bid not in known:
            problems.append(
                KeyProblem(bid, f"「{bid}」という操作IDはありません（? のキー一覧に ID が出ます）")
            )
            continue
        keys_text, bad = normalize_keys(value)
        problems += [KeyProblem(bid, p) for p in bad]
        if keys_text:
            normal[bid] = keys_text
    collisions = _collisions({bid: frozenset(k.split(",")) for bid, k in normal.items()})
    problems += [KeyProblem(bid, message) for bid, message in collisions]
    broken = {p.binding_id for p in problems}
    return {bid: k for bid, k in normal.items() if bid not in broken}, problems


def _collisions(wanted: Mapping[str, frozenset[str]]) -> list[tuple[str, str]]:
    """(id, message) for each remapped key that meets another binding on some screen."""
    found: dict[tuple[str, str, str], list[str]] = {}  # (id, key, other's name) -> screens
    quits: dict[tuple[str, str], str] = {}  # (id, key) -> Textual's quit binding
    for label, scope in screen_scopes():
        by_key: dict[str, list[_Bound]] = {}
        for b in scope:
            keys = wanted.get(b.id, b.keys) if b.id else b.keys
            for k in keys:
                if b not in by_key.setdefault(k, []):
                    by_key[k].append(b)
        for key, bound in by_key.items():
            ids = {b.id or b.action for b in bound}
            if len(ids) < 2:
                continue
            for b in bound:
                if b.id not in wanted or key not in wanted[b.id]:
                    continue
                for other in bound:
                    if (other.id or other.action) == b.id:
                        continue
                    if other.action in QUIT_ACTIONS and other.id is None:  # Textual's ctrl+q (priority)
                        if b.action not in QUIT_ACTIONS:
                            quits[(b.id, key)] = other.name
                    else:
                        screens = found.setdefault((b.id, key, other.name), [])
                        if label not in screens:
                            screens.append(label)
    out = [
        (bid, f"「{key}」は Textual が終了に使うキーです（押すとアプリが終了します）。別のキーにしてください")
        for bid, key in quits
    ]
    for (bid, key, other), screens in found.items():
        if (bid, key) in quits:
            continue
        where = screens[0] + (f"ほか {len(screens) - 1} 画面" if len(screens) > 1 else "")
        out.append((bid, f"「{key}」は{where}で{other}にも使われています。どちらかのキーを変えてください"))
    return out


if TYPE_CHECKING:
    from inspect_tui.services.config import Config


def keymap_problems(config: Config, text: str = "") -> tuple[dict[str, str], list[str]]:
    """The usable part of [keys] and a ``file:line: keys."id": …`` message per problem."""
    if not config.keys:
        return {}, []
    from inspect_tui.services.config import line_of, quoted_key

    good, problems = check_keymap(config.keys)
    where = str(config.path) if config.path else "<config>"
    lines = {p.binding_id: line_of(text, "keys", p.binding_id) for p in problems}
    return good, [
        f"{where}:{lines[p.binding_id]}: keys.{quoted_key(p.binding_id)}: {p.message}"
        for p in sorted(problems, key=lambda p: lines[p.binding_id])
    ]


def screen_modules() -> list[str]:
    """Every module under tui/screens (imported only to check a keymap or list every key)."""
    import pkgutil

    from inspect_tui.tui import screens

    return [
        m.name for m in pkgutil.walk_packages(screens.__path__, "inspect_tui.tui.screens.") if not m.ispkg
    ]


def declared_bindings() -> list[Binding]:
    """Every Binding declared here or by a screen class (the app's, every screen's, every dialog's)."""
    import importlib

    found = [b for group in bindings.ALL.values() for b in group]
    for name in screen_modules():
        for value in vars(importlib.import_module(name)).values():
            if isinstance(value, type) and value.__module__ == name:
                found += [b for b in getattr(value, "BINDINGS", None) or () if isinstance(b, Binding)]
    return found


def all_binding_ids() -> set[str]:
    return {b.id for b in declared_bindings() if b.id}
