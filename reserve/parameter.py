"""One scenario input: its name, unit, default, allowed range, and how a
value given as text or a number becomes one of its values or an error that
names it (:class:`Parameter`). The table of every input is
:mod:`reserve.schema`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import InputError

#: Units of the values a percent may give ("8%" = 0.08): shares and rates.
PERCENT_UNITS = ("1", "1/yr")
#: Longest free text (an owner's name) accepted.
TEXT_MAX = 60


@dataclass(frozen=True)
class Parameter:
    """One scenario input.

    Attributes
    ----------
    name : str
        The name used in TOML, CSV, ``--set``, JSON and the Python API.
    unit : str
        Human-readable unit ("mb/d", "USD/bbl", "1" for dimensionless).
    default : object
        Value taken when a scenario omits the name. ``None`` means "not set"
        (the parameter's description says what then applies).
    kind : str
        ``float``, ``int``, ``bool``, ``choice`` or ``str``.
    description : str
        One sentence a policy analyst understands.
    lower, upper : float
        Allowed range; ``lower_open`` / ``upper_open`` make a bound strict.
    choices : tuple of str
        Allowed values of a ``choice`` parameter.
    allow_inf : bool
        Whether ``inf`` ("no limit") is accepted.
    group : str
        Section in the templates (market, target, reserve, money, storage).
    """

    name: str
    unit: str
    default: object
    kind: str
    description: str
    lower: float = -math.inf
    upper: float = math.inf
    lower_open: bool = False
    upper_open: bool = False
    choices: tuple[str, ...] = ()
    allow_inf: bool = False
    group: str = "market"
    why: str = ""

    def allowed(self) -> str:
        """What values are allowed, in words."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of: " + ", ".join(self.choices)
        if self.kind == "str":
            return "a name (letters, digits, '_' or '-')" if not self.choices else (
                "one of: " + ", ".join(self.choices))
        if self.kind == "text":
            return f"plain text of at most {TEXT_MAX} printable characters"
        noun = "a whole number" if self.kind == "int" else "a number"
        parts = []
        if self.lower > -math.inf:
            parts.append(f"{'>' if self.lower_open else '>='} {_fmt(self.lower)}")
        if self.upper < math.inf:
            parts.append(f"{'<' if self.upper_open else '<='} {_fmt(self.upper)}")
        text = noun + (" " + " and ".join(parts) if parts else "")
        if self.allow_inf:
            text += " (or inf for no limit)"
        if self.default is None:
            text += ", or empty for not set"
        if self.why:
            text += f" ({self.why})"
        return text

    def coerce(self, value: object, where: str | None = None) -> object:
        """Return ``value`` converted to this parameter's type, or raise InputError.

        Strings (from CSV cells and ``--set``) are parsed; ``where`` names the
        parameter in the message (e.g. ``storage.leased_tanks.capex_usd_per_bbl``).
        """
        label = where or self.name
        if isinstance(value, str):
            value = value.strip()
            if value == "" and self.default is None:
                return None
        if value is None:
            if self.default is None:
                return None
            raise InputError(label, value, self.allowed())
        if self.kind == "bool":
            return _to_bool(value, label, self)
        if self.kind == "text":
            if not isinstance(value, str) or len(value) > TEXT_MAX or not value.isprintable():
                raise InputError(label, value, self.allowed())
            return value
        if self.kind == "choice" or self.kind == "str":
            if not isinstance(value, str):
                raise InputError(label, value, self.allowed())
            if self.choices and value not in self.choices:
                raise InputError(label, value, self.allowed())
            if self.kind == "str" and not self.choices and not _is_name(value):
                raise InputError(label, value, self.allowed())
            return value
        number = _to_number(value, label, self)
        if math.isnan(number) or (math.isinf(number) and not (self.allow_inf and number > 0)):
            raise InputError(label, value, self.allowed())
        if self.kind == "int":
            if not math.isinf(number):
                if number != int(number):
                    raise InputError(label, value, self.allowed())
                number = int(number)
        too_low = number <= self.lower if self.lower_open else number < self.lower
        too_high = number >= self.upper if self.upper_open else number > self.upper
        if too_low or (too_high and not (math.isinf(number) and self.allow_inf)):
            raise InputError(label, value, self.allowed())
        return number


def _fmt(x: float) -> str:
    return f"{x:g}"


def _is_name(text: str) -> bool:
    return bool(text) and all(c.isalnum() or c in "_-" for c in text) and text.isascii()


def _to_bool(value: object, label: str, param: Parameter) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off"):
        return False
    raise InputError(label, value, param.allowed())


def _to_number(value: object, label: str, param: Parameter) -> float:
    if isinstance(value, bool):
        raise InputError(label, value, param.allowed())
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:   # an integer of hundreds of digits
            raise InputError(label, value, param.allowed()) from None
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        scale = 1.0
        if text.endswith("%"):   # "8%": a share or a rate in percent
            if param.unit not in PERCENT_UNITS:
                raise InputError(label, value, param.allowed() + "; a percent only for a "
                                 "share or a rate (this one is in " + param.unit + ")")
            text, scale = text[:-1].strip(), 0.01
        try:
            return float(text) * scale
        except ValueError:
            raise InputError(label, value, param.allowed()) from None
    raise InputError(label, value, param.allowed())
