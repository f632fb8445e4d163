"""core/records.py against the standard dataclasses, class by class: what a record does
(construct, default, repr, compare, hash, refuse to change) is what the same class made
by ``dataclasses.dataclass`` does, and what it refuses it says."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import pickle
import pkgutil
import subprocess
import sys
from typing import ClassVar

import pytest

from inspect_tui.core import records
from inspect_tui.core.records import FrozenInstanceError, field, record


def both(body: str, **options):
    """The class written in body, once as a record and once as a dataclass."""
    made = []
    for decorate, fld in ((record, field), (dataclasses.dataclass, dataclasses.field)):
        ns: dict = {"field": fld, "ClassVar": ClassVar, "dt": dt, "__name__": __name__}
        exec(f"class C:\n{body}", ns)
        made.append(decorate(**options)(ns["C"]))
    return made


CASE = """
    '''A case.'''
    case_no: str
    received_on: dt.date
    ward: str = "北区"
    tags: tuple = field(default_factory=tuple)
    note: str = field(default="", repr=False)
    seen: int = field(default=0, compare=False)
    LIMIT: ClassVar[int] = 3
"""


@pytest.mark.parametrize("options", [{}, {"frozen": True}, {"eq": False}, {"frozen": True, "eq": False}])
def test_a_record_behaves_as_the_same_dataclass(options):
    R, D = both(CASE, **options)
    day = dt.date(2026, 4, 1)
    for args, kwargs in (
        (("A-1", day), {}),
        (("A-1", day, "南区"), {"note": "x", "seen": 2}),
        ((), {"case_no": "A-2", "received_on": day, "tags": (1,)}),
    ):
        r, d = R(*args, **kwargs), D(*args, **kwargs)
        assert repr(r) == repr(d).replace(D.__qualname__, R.__qualname__)
        assert vars(r) == vars(d)
        assert (r == R(*args, **kwargs)) == (d == D(*args, **kwargs))
        assert (r != R(*args, **kwargs)) == (d != D(*args, **kwargs))
        if D.__hash__ is None:
            assert R.__hash__ is None
        elif options.get("eq", True):
            assert hash(r) == hash(d)
    assert [f.name for f in records.fields(R)] == [f.name for f in dataclasses.fields(D)]
    assert R.__match_args__ == D.__match_args__
    assert R.LIMIT == D.LIMIT == 3 and R.ward == D.ward == "北区"
    assert "tags" not in vars(R) and "tags" not in vars(D)
    assert R.__doc__ == "A case."


def test_errors_on_construction_are_those_of_the_dataclass():
    R, D = both(CASE, frozen=True)
    for args, kwargs in ((("A-1",), {}), (("A-1", None, "x", (), "", 0, "extra"), {}), ((), {"nope": 1})):
        with pytest.raises(TypeError) as ours:
            R(*args, **kwargs)
        with pytest.raises(TypeError) as theirs:
            D(*args, **kwargs)
        assert str(ours.value).split("() ", 1)[1] == str(theirs.value).split("() ", 1)[1]


def test_a_default_factory_gives_each_record_its_own_value():
    R, _ = both("    no: str\n    tags: list = field(default_factory=list)\n")
    a, b = R("A-1"), R("A-2")
    a.tags.append("x")
    assert b.tags == [] and R("A-3", tags=["y"]).tags == ["y"]


def test_a_frozen_record_refuses_to_change_and_says_which_field():
    R, D = both(CASE, frozen=True)
    r, d = R("A-1", None), D("A-1", None)
    for target, err in ((r, FrozenInstanceError), (d, dataclasses.FrozenInstanceError)):
        with pytest.raises(err) as e:
            target.ward = "南区"
        assert str(e.value) == "cannot assign to field 'ward'"
        with pytest.raises(AttributeError, match="cannot delete field 'ward'"):
            del target.ward
        with pytest.raises(AttributeError, match="cannot assign to field 'other'"):
            target.other = 1
    assert r.ward == "北区"


def test_equality_is_by_class_and_compared_fields_only():
    R, _ = both(CASE, frozen=True)
    S, _ = both(CASE, frozen=True)
    assert R("A-1", None, seen=1) == R("A-1", None, seen=2)  # compare=False
    assert hash(R("A-1", None, seen=1)) == hash(R("A-1", None, seen=2))
    assert R("A-1", None) != R("A-1", None, "南区")
    assert R("A-1", None) != S("A-1", None)  # another class, same fields
    assert R.__eq__(R("A-1", None), ("A-1", None)) is NotImplemented
    x = R("A-1", float("nan"))
    assert x == x  # the same object in a tuple compares equal, as in dataclasses


def test_eq_false_keeps_identity():
    R, _ = both(CASE, eq=False)
    a = R("A-1", None)
    assert a != R("A-1", None) and a == a and hash(a) == object.__hash__(a)


def test_post_init_runs_after_the_fields_are_set():
    R, D = both(
        """
    n: int
    doubled: int = 0
    def __post_init__(self):
        object.__setattr__(self, "doubled", self.n * 2)
""",
        frozen=True,
    )
    assert R(3).doubled == D(3).doubled == 6
    assert records.replace(R(3), n=4).doubled == 8


def test_replace_fields_and_asdict():
    R, D = both(CASE, frozen=True)
    r = R("A-1", dt.date(2026, 4, 1), tags=(R("B-1", None),))
    changed = records.replace(r, ward="南区")
    assert changed.ward == "南区" and changed.case_no == "A-1" and r.ward == "北区"
    with pytest.raises(TypeError):
        records.replace(r, nope=1)
    assert records.asdict(r)["tags"][0]["case_no"] == "B-1"
    assert records.asdict(R("A-1", None)) == dataclasses.asdict(D("A-1", None))
    assert records.is_record(r) and records.is_record(R) and not records.is_record(D("A-1", None))
    for call in (records.fields, records.asdict, records.replace):
        with pytest.raises(TypeError):
            call(D("A-1", None))


def test_match_by_position():
    R, _ = both(CASE, frozen=True)
    match R("A-1", None, "南区"):
        case R(no, _, "南区"):
            assert no == "A-1"
        case _:
            pytest.fail("no match")


def test_copy_and_pickle_keep_the_values():
    r = PICKLED("A-1", [1])
    assert copy.copy(r) == r and copy.deepcopy(r) == r and pickle.loads(pickle.dumps(r)) == r


@record(frozen=True)
class PICKLED:
    no: str
    tags: list = field(default_factory=list)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("    a: int = 1\n    b: int\n", "non-default argument 'b' follows default argument"),
        ("    a: list = []\n", "mutable default <class 'list'> for field a is not allowed"),
        ("    a: int\n    def __eq__(self, o): return True\n", "defines __eq__ itself"),
        ("    a: InitVar[int]\n", "InitVar[int] is not supported"),
    ],
)
def test_what_a_record_refuses_it_names(body, message):
    ns: dict = {}
    exec(f"from __future__ import annotations\nclass C:\n{body}", ns)
    with pytest.raises((TypeError, ValueError), match=message.replace("[", r"\[").replace("(", r"\(")):
        record(ns["C"])


def test_a_record_has_no_base_classes():
    class Base:
        pass

    class C(Base):
        a: int

    with pytest.raises(TypeError, match="records have no base classes"):
        record(C)


def test_init_and_eq_are_compiled_on_first_use():
    R, _ = both(CASE)
    lazy = R.__dict__["__init__"]
    R("A-1", None)
    real = R.__dict__["__init__"]
    assert real is not lazy and real.__qualname__ == "C.__init__"
    lazy_eq = R.__dict__["__eq__"]
    assert R("A-1", None) != R("A-2", None)  # != before == has run: the lazy __eq__ compiles
    assert R.__dict__["__eq__"] is not lazy_eq and R("A-1", None) == R("A-1", None)
    assert real.__code__.co_varnames[:7] == (
        "self",
        "case_no",
        "received_on",
        "ward",
        "tags",
        "note",
        "seen",
    )


def test_the_app_does_not_use_the_standard_dataclasses():
    """The reason records exist: below the UIs no module of the app imports dataclasses
    (nor inspect, which only dataclasses brought in on the CLI's path). The modules are
    listed here (pkgutil's walk imports inspect) and imported in a fresh interpreter."""
    import inspect_tui

    names = [
        m.name
        for m in pkgutil.walk_packages(inspect_tui.__path__, "inspect_tui.")
        if not m.name.startswith(("inspect_tui.tui", "inspect_tui.cli.app", "inspect_tui.__main__"))
    ]
    assert len(names) > 100
    code = (
        "import importlib, sys\n"
        f"for m in {names!r}: importlib.import_module(m)\n"
        "print(sorted(m for m in ('dataclasses', 'inspect') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_no_source_file_of_the_app_imports_dataclasses():
    """The screens too (Textual imports dataclasses itself, so the fresh interpreter above
    cannot tell): a record mixed with a dataclass would not know records.replace."""
    import ast
    from pathlib import Path

    import inspect_tui

    found = []
    for path in Path(inspect_tui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if "dataclasses" in names:
                found.append(f"{path.name}:{node.lineno}")
    assert found == []
