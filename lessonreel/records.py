"""Reading back the files lessonreel writes, checked field by field.

Every file the project reads back (a render's ``manifest.json`` and ``beats.json``,
the cache's ``record.json``, ``youtube.json``, the YouTube token) can be edited,
truncated or copied from another version, so nothing in one is used before it is
checked: its JSON parses, each field has its type, numbers are finite and in their
range. What breaks the schema is one :class:`~lessonreel.errors.RecordError`
naming the file and the field, never a ``KeyError`` three calls later.

A :class:`Fields` is bound to one file and to what fixes it, so each check is one
line: ``fields.number(scene, "duration", "scenes[2]", minimum=0)``. Readers build
typed values from it; records are meant to grow into dataclasses read this way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from lessonreel.errors import RecordError

T = TypeVar("T")
_MISSING: Any = object()


def _refuse_constant(name: str) -> NoReturn:
    # Python's json reads NaN and Infinity, which no JSON writer of ours emits.
    raise ValueError(f"{name} is not a JSON number")


def parse_json(text: str | bytes) -> Any:
    """JSON as lessonreel writes it: no NaN or Infinity; ValueError otherwise (a nesting
    too deep for the parser is a ValueError too, not a RecursionError)."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def read_json(path: Path, fix: str, error: type[RecordError] = RecordError) -> Any:
    """The JSON in ``path``, or an ``error`` naming it and saying ``fix``."""
    try:
        return parse_json(path.read_bytes())
    except FileNotFoundError:
        raise error(path, None, "is missing", fix) from None
    except IsADirectoryError:
        raise error(path, None, "is a folder, not a file", fix) from None
    except OSError as problem:
        raise error(path, None, f"cannot be read ({problem.strerror})", fix) from None
    except (UnicodeDecodeError, ValueError) as problem:
        reason = "not UTF-8" if isinstance(problem, UnicodeDecodeError) else str(problem)
        raise error(path, None, f"is not valid JSON ({reason})", fix) from None


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
          list: "a list", dict: "an object"}


@dataclass(frozen=True)
class Fields:
    """Checked access to the fields of one file's JSON; every failure names ``path``,
    the field, and says ``fix``."""

    path: Path
    fix: str
    #: The error raised: RecordError, or a subclass a caller already handles.
    error: type[RecordError] = RecordError

    def fail(self, field: str | None, problem: str) -> NoReturn:
        raise self.error(self.path, field, problem, self.fix)

    @staticmethod
    def name(where: str, key: str) -> str:
        return f"{where}.{key}" if where else key

    def object(self, value: Any, where: str = "") -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where or None, f"is {_kind(value)}, not an object")
        return value

    def get(self, obj: Mapping[str, Any], key: str, kind: type[T], where: str = "",
            default: Any = _MISSING) -> T:
        """``obj[key]`` if it is a ``kind`` (a bool is never taken for a number)."""
        field = self.name(where, key)
        if key not in obj:
            if default is not _MISSING:
                return default  # type: ignore[no-any-return]
            self.fail(field, "is missing")
        value = obj[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.fail(field, f"is {_kind(value)}, not {_NAMES.get(kind, kind.__name__)}")
        return value

    def text(self, obj: Mapping[str, Any], key: str, where: str = "",
             default: Any = _MISSING, nonempty: bool = False) -> str:
        value = self.get(obj, key, str, where, default)
        if nonempty and not value:
            self.fail(self.name(where, key), "is empty")
        return value

    def number(self, obj: Mapping[str, Any], key: str, where: str = "", *,
               minimum: float | None = None, above: float | None = None,
               default: Any = _MISSING) -> float:
        """A finite number (a whole one too), at least ``minimum`` / above ``above``."""
        field = self.name(where, key)
        if key not in obj and default is not _MISSING:
            return default  # type: ignore[no-any-return]
        if key not in obj:
            self.fail(field, "is missing")
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(field, f"is {_kind(value)}, not a number")
        try:
            value = float(value)
        except OverflowError:
            self.fail(field, "is too large a number")
        if not math.isfinite(value):
            self.fail(field, f"is {value}, not a finite number")
        if minimum is not None and value < minimum:
            self.fail(field, f"is {value}, below {minimum}")
        if above is not None and value <= above:
            self.fail(field, f"is {value}, not above {above}")
        return value

    def integer(self, obj: Mapping[str, Any], key: str, where: str = "", *,
                minimum: int | None = None, default: Any = _MISSING) -> int:
        field = self.name(where, key)
        if key not in obj and default is not _MISSING:
            return default  # type: ignore[no-any-return]
        value = self.get(obj, key, int, where)
        if minimum is not None and value < minimum:
            self.fail(field, f"is {value}, below {minimum}")
        return value

    def boolean(self, obj: Mapping[str, Any], key: str, where: str = "",
                default: Any = _MISSING) -> bool:
        return self.get(obj, key, bool, where, default)

    def items(self, obj: Mapping[str, Any], key: str, where: str = "",
              default: Any = _MISSING, nonempty: bool = False) -> list[Any]:
        value = self.get(obj, key, list, where, default)
        if nonempty and not value:
            self.fail(self.name(where, key), "is an empty list")
        return value

    def mapping(self, obj: Mapping[str, Any], key: str, where: str = "",
                default: Any = _MISSING) -> dict[str, Any]:
        return self.get(obj, key, dict, where, default)

    def texts(self, obj: Mapping[str, Any], key: str, where: str = "",
              default: Any = _MISSING) -> list[str]:
        """A list of strings."""
        value = self.items(obj, key, where, default)
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"{self.name(where, key)}[{index}]", f"is {_kind(item)}, not text")
        return value

    def text_map(self, obj: Mapping[str, Any], key: str, where: str = "",
                 default: Any = _MISSING) -> dict[str, str]:
        """An object whose values are strings."""
        value = self.mapping(obj, key, where, default)
        for name, item in value.items():
            if not isinstance(item, str):
                self.fail(f"{self.name(where, key)}.{name}", f"is {_kind(item)}, not text")
        return value

    def size_map(self, obj: Mapping[str, Any], key: str, where: str = "",
                 default: Any = _MISSING) -> dict[str, int]:
        """An object whose values are sizes in bytes: whole numbers from 0."""
        value = self.mapping(obj, key, where, default)
        for name, item in value.items():
            if isinstance(item, bool) or not isinstance(item, int) or item < 0:
                self.fail(f"{self.name(where, key)}.{name}",
                          f"is {item!r}, not a size in bytes (a whole number from 0)")
        return value


def read_object(path: Path, fix: str, error: type[RecordError] = RecordError
                ) -> tuple[Fields, dict[str, Any]]:
    """The JSON object in ``path`` and the :class:`Fields` to check it with."""
    fields = Fields(path, fix, error)
    return fields, fields.object(read_json(path, fix, error))
