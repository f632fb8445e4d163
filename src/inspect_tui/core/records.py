"""Records: the app's typed values (a case's state, a report's figures, a config).

``@record`` is what ``@dataclasses.dataclass`` is to the subset the app uses: fields from
the class's annotations, defaults and ``field(default_factory=…, repr=…, compare=…)``,
``frozen=True``, ``eq=False``, ``__post_init__``. It exists for start-up time. On
Python 3.11 the standard decorator compiles ``__init__``, ``__repr__`` and ``__eq__`` (and
``__setattr__``, ``__delattr__``, ``__hash__`` when frozen) with one ``exec`` each, about
0.6-1.1 ms a class, and importing ``dataclasses`` imports ``inspect`` (with ``ast``,
``dis`` and ``tokenize``: ~9 ms) that nothing else on the CLI's path needs. A command
imports 30-60 record classes before its first statement. Here ``__repr__``, ``__hash__``
and the frozen guards are shared functions closed over the field names; ``__init__`` and
``__eq__`` (they run per value, and when lists of records are compared) are compiled as
the standard ones are, but the first time they run, so a class never made costs nothing.

What differs from ``dataclasses``, on purpose: a record has no base classes (the app
has no record inheritance; ``@record`` refuses bases rather than guess), no ``InitVar``,
``KW_ONLY``, ``order``, ``slots``, and ``dataclasses.fields()`` / ``replace()`` /
``asdict()`` do not know it: use this module's ``fields``, ``replace`` and ``asdict``.
Behaviour that is the same is tested against ``dataclasses`` (tests/core/test_records.py).
"""

from __future__ import annotations

import operator
import reprlib
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

__all__ = [
    "MISSING",
    "Field",
    "FrozenInstanceError",
    "asdict",
    "field",
    "fields",
    "is_record",
    "record",
    "replace",
]

_T = TypeVar("_T")
_C = TypeVar("_C", bound=type)


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""A field with no default (``default`` and ``default_factory`` are MISSING)."""


class FrozenInstanceError(AttributeError):
    """Assigning to or deleting a field of a frozen record."""


class Field:
    """One field of a record, as ``fields()`` lists them (in the order declared)."""

    __slots__ = ("compare", "default", "default_factory", "name", "repr", "type")

    def __init__(self, default: Any, default_factory: Any, repr: bool, compare: bool) -> None:
        self.name = ""
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, type={self.type!r}, default={self.default!r})"


@overload
def field(*, default: _T, repr: bool = True, compare: bool = True) -> _T: ...
@overload
def field(*, default_factory: Callable[[], _T], repr: bool = True, compare: bool = True) -> _T: ...
@overload
def field(*, repr: bool = True, compare: bool = True) -> Any: ...
def field(
    *, default: Any = MISSING, default_factory: Any = MISSING, repr: bool = True, compare: bool = True
) -> Any:
    """A field with options: a default, a factory for a fresh default (a list, a dict), and
    whether it shows in ``repr`` and takes part in ``==`` and ``hash``."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, repr, compare)


@overload
def record(cls: _C, /) -> _C: ...
@overload
def record(*, frozen: bool = False, eq: bool = True) -> Callable[[_C], _C]: ...
@dataclass_transform(field_specifiers=(field,))
def record(cls: Any = None, /, *, frozen: bool = False, eq: bool = True) -> Any:
    """Make the class a record (``@record`` or ``@record(frozen=True)``, ``eq=False`` to
    keep identity equality and hashing)."""

    def wrap(c: type) -> type:
        return _process(c, frozen, eq)

    return wrap if cls is None else wrap(cls)


def _is_classvar(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar", "t.ClassVar"))


_UNSUPPORTED = ("InitVar", "dataclasses.InitVar", "KW_ONLY", "dataclasses.KW_ONLY")
_OWN = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__", "__slots__")


def _process(cls: type, frozen: bool, eq: bool) -> type:
    name = cls.__qualname__
    if cls.__bases__ != (object,):
        raise TypeError(f"record {name}: records have no base classes")
    # (a class that defines __eq__ gets __hash__ = None from Python: that is not its own)
    own = [m for m in _OWN if cls.__dict__.get(m) is not None]
    if own:
        raise TypeError(f"record {name}: defines {', '.join(own)} itself")
    flds: list[Field] = []
    seen_default = False
    for fname, ftype in getattr(cls, "__annotations__", {}).items():
        if _is_classvar(ftype):
            continue
        text = ftype if isinstance(ftype, str) else repr(ftype)
        if text.startswith(_UNSUPPORTED):
            raise TypeError(f"record {name}: {fname}: {text} is not supported")
        value = cls.__dict__.get(fname, MISSING)
        f = value if isinstance(value, Field) else Field(value, MISSING, True, True)
        f.name, f.type = fname, ftype
        if f.default is not MISSING and type(f.default).__hash__ is None:
            raise ValueError(
                f"mutable default {type(f.default)} for field {fname} is not allowed: use default_factory"
            )
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        if seen_default and not has_default:
            raise TypeError(f"non-default argument {fname!r} follows default argument")
        seen_default = seen_default or has_default
        if isinstance(value, Field):  # the class keeps a plain default, as dataclasses does
            if f.default is MISSING:
                delattr(cls, fname)
            else:
                setattr(cls, fname, f.default)
        flds.append(f)
    all_fields = tuple(flds)
    names = tuple(f.name for f in all_fields)
    cls.__record_fields__ = all_fields  # type: ignore[attr-defined]
    cls.__match_args__ = names  # type: ignore[attr-defined,misc]
    cls.__init__ = _on_first_use(cls, "__init__", lambda: _compile_init(cls, all_fields, frozen))  # type: ignore[misc]
    cls.__repr__ = _repr(tuple(f.name for f in all_fields if f.repr))  # type: ignore[assignment]
    if eq:
        compared = tuple(f.name for f in all_fields if f.compare)
        cls.__eq__ = _on_first_use(cls, "__eq__", lambda: _compile_eq(cls, compared))  # type: ignore[assignment]
        cls.__hash__ = _hash(_getter(compared)) if frozen else None  # type: ignore[assignment]
    if frozen:
        cls.__setattr__, cls.__delattr__ = _frozen_guards(cls, frozenset(names))  # type: ignore[assignment]
    return cls


def _getter(names: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    """The values of names, as a tuple (``attrgetter`` of one name gives the value bare)."""
    if len(names) >= 2:
        return operator.attrgetter(*names)
    if names:
        only = operator.attrgetter(names[0])
        return lambda obj: (only(obj),)
    return lambda obj: ()


def _repr(names: tuple[str, ...]) -> Callable[[object], str]:
    @reprlib.recursive_repr()
    def __repr__(self: object) -> str:
        parts = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
        return f"{self.__class__.__qualname__}({parts})"

    return __repr__


def _hash(key: Callable[[object], tuple[Any, ...]]) -> Callable[[object], int]:
    def __hash__(self: object) -> int:
        return hash(key(self))

    return __hash__


def _frozen_guards(cls: type, names: frozenset[str]) -> tuple[Callable[..., None], Callable[..., None]]:
    def __setattr__(self: object, name: str, value: object) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)  # type: ignore[arg-type]

    def __delattr__(self: object, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)  # type: ignore[arg-type]

    return __setattr__, __delattr__


def _on_first_use(cls: type, name: str, build: Callable[[], Callable[..., Any]]) -> Callable[..., Any]:
    """A method that builds the real one on its first call and puts it in its place (a
    shared ``__eq__`` taking the values with attrgetter was 2x the standard one's 170 ns,
    and lists of records are compared)."""

    def first(self: object, *args: Any, **kwargs: Any) -> Any:
        if cls.__dict__[name] is first:
            setattr(cls, name, build())
        return getattr(cls, name)(self, *args, **kwargs)

    first.__qualname__ = f"{cls.__qualname__}.{name}"
    return first


def _compile(cls: type, name: str, source: str, env: dict[str, Any]) -> Callable[..., Any]:
    """The method ``name`` defined by source. The names in source are the class's own
    annotated identifiers; the values it needs are passed in env."""
    exec(source, env)
    method: Callable[..., Any] = env[name]
    method.__qualname__ = f"{cls.__qualname__}.{name}"
    method.__module__ = cls.__module__
    return method


def _compile_eq(cls: type, names: tuple[str, ...]) -> Callable[..., Any]:
    """``__eq__`` as dataclasses writes it: the compared fields as tuples, same class only."""
    mine = "".join(f"self.{n}," for n in names)
    theirs = "".join(f"other.{n}," for n in names)
    source = (
        "def __eq__(self, other):\n"
        "    if other.__class__ is self.__class__:\n"
        f"        return ({mine}) == ({theirs})\n"
        "    return NotImplemented\n"
    )
    return _compile(cls, "__eq__", source, {})


def _compile_init(cls: type, flds: tuple[Field, ...], frozen: bool) -> Callable[..., Any]:
    """``def __init__(self, a, b=_d_b, c=_MISSING)`` storing each value as dataclasses does
    (``object.__setattr__`` when frozen), a factory called when its argument is not given,
    then ``__post_init__`` if the class has one."""
    env: dict[str, Any] = {"_MISSING": MISSING, "_setattr": object.__setattr__}
    params, body = ["self"], []
    for f in flds:
        if f.default_factory is not MISSING:
            env[f"_f_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            value = f"_f_{f.name}() if {f.name} is _MISSING else {f.name}"
        elif f.default is not MISSING:
            env[f"_d_{f.name}"] = f.default
            params.append(f"{f.name}=_d_{f.name}")
            value = f.name
        else:
            params.append(f.name)
            value = f.name
        body.append(f"_setattr(self, {f.name!r}, {value})" if frozen else f"self.{f.name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    lines = "".join(f"    {line}\n" for line in body or ["pass"])
    return _compile(cls, "__init__", f"def __init__({', '.join(params)}) -> None:\n{lines}", env)


def is_record(obj: object) -> bool:
    """Whether obj is a record class or a record."""
    return hasattr(obj if isinstance(obj, type) else type(obj), "__record_fields__")


def fields(obj: object) -> tuple[Field, ...]:
    """A record's (or record class's) fields, in the order declared."""
    try:
        return (obj if isinstance(obj, type) else type(obj)).__record_fields__  # type: ignore[attr-defined,no-any-return]
    except AttributeError:
        raise TypeError("fields() takes a record or a record class") from None


def replace(obj: _T, /, **changes: Any) -> _T:
    """A new record with changes (its ``__init__`` and ``__post_init__`` run again)."""
    if isinstance(obj, type) or not is_record(obj):
        raise TypeError("replace() takes a record")
    for f in fields(obj):
        if f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)


def asdict(obj: object) -> dict[str, Any]:
    """A record as a dict, records inside it (in lists, tuples and dicts too) as dicts."""
    if isinstance(obj, type) or not is_record(obj):
        raise TypeError("asdict() takes a record")
    return {f.name: _as_plain(getattr(obj, f.name)) for f in fields(obj)}


def _as_plain(value: Any) -> Any:
    if is_record(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple
        return type(value)(*[_as_plain(v) for v in value])
    if isinstance(value, list | tuple):
        return type(value)(_as_plain(v) for v in value)
    if isinstance(value, dict):
        return {_as_plain(k): _as_plain(v) for k, v in value.items()}
    return value
