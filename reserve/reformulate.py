"""A model formulated again for new data, each part recomputed only if its inputs changed.

A sweep solves one model for many data sets that differ in a few numbers (a
new elasticity moves the net bands' bounds and nothing else). Formulating
each point afresh (:func:`reserve.formulation.formulate`) computes every
constraint family again, a tenth of a point's time on a year of days.
:func:`reformulate` recomputes only the parts of the model (the columns,
each family of :data:`reserve.equations.FAMILIES`, the objective) that read
a field of :class:`reserve.problem.ProblemData` whose value changed, and
reuses the others as they are.

What a part reads is recorded, not declared: the part is run once on a copy
of its data whose class notes every attribute asked of it (properties and
methods included, and the fields they read in turn). Each part is a pure
function of what it reads, so a part whose fields all hold the same values
gives the same rows. Arrays are the same when their bits are (so a NaN left
as it was is unchanged, and -0.0 for 0.0 is a change); a value that cannot
be compared (an object without equality, an array of another shape) counts
as changed.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from .costs import carry_cost_vectors
from .formulation import Form, assembled, checked_form, columns, objective, rules
from .problem import ProblemData

#: The fields a part may read.
FIELDS = tuple(f.name for f in fields(ProblemData))

_READING: list[set] = []          # the names being noted, innermost part last
_RECORDING: dict[type, type] = {}


def _noting(self, name: str):
    if _READING:
        _READING[-1].add(name)
    return object.__getattribute__(self, name)


def _recording(data: ProblemData) -> ProblemData:
    """``data`` as an object of a subclass that notes each attribute read."""
    kind = type(data)
    if kind not in _RECORDING:
        _RECORDING[kind] = type(f"Noting{kind.__name__}", (kind,), {"__getattribute__": _noting})
    copy = object.__new__(_RECORDING[kind])
    # the fields alone: a value cached on ``data`` from its fields (its cost
    # vectors, reserve.costs) would answer without reading them, and the part
    # would seem to read less than it does
    copy.__dict__.update({name: data.__dict__[name] for name in FIELDS})
    return copy


def recorded(part, data: ProblemData, *args):
    """``part(data, *args)``, and the fields of ``data`` it read."""
    _READING.append(set())
    try:
        result = part(_recording(data), *args)
    finally:
        names = _READING.pop()
    return result, frozenset(names.intersection(FIELDS))


def same(a, b) -> bool:
    """Whether two field values are the same (module docstring: when unsure, no)."""
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
                and a.shape == b.shape and a.dtype == b.dtype and _same_bits(a, b))
    try:
        return bool(a == b)
    except Exception:        # noqa: BLE001 - arrays inside, or no equality: changed
        return False


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two arrays of one shape and type hold the same bits (so a part
    computes the same from either): as bytes while small (0.1 us against
    np.array_equal's 2 us, and a point compares some twenty), as integers
    when large (bytes would be copied)."""
    if a.nbytes <= 32768:
        return a.tobytes() == b.tobytes()
    return bool((np.ascontiguousarray(a).view(np.uint8)
                 == np.ascontiguousarray(b).view(np.uint8)).all())


def _reads(built: Form) -> dict:
    """What each part of ``built`` read of its data, recorded once (a Form
    :func:`reserve.formulation.formulate` made has none yet)."""
    if built.reads is None:
        built.reads = recorded_formulate(built.data, built.form).reads
    return built.reads


def recorded_formulate(data: ProblemData, form: str | None = None) -> Form:
    """``formulate(data, form)``, noting what each part reads."""
    form = checked_form(data, form)
    reads, parts = {}, {}
    x, reads["columns"] = recorded(columns, data, form)
    for rule in rules(form):
        parts[rule], reads[rule] = recorded(rule, data, x, form)
    costs, reads["objective"] = recorded(objective, data, x)
    return assembled(data, form, x, parts, costs, reads)


def reformulate(old: Form, data: ProblemData) -> Form:
    """The Form of ``data``, equal to ``formulate(data, old.form)``, reusing
    the parts of ``old`` whose inputs are unchanged (module docstring)."""
    form = checked_form(data, old.form)
    reads = _reads(old)
    read = frozenset().union(*reads.values())        # a field no part reads cannot matter
    changed = {name for name in read if not same(getattr(old.data, name), getattr(data, name))}
    if reads["columns"] & changed:           # another layout: every row may move
        return recorded_formulate(data, form)
    x, parts, now = old.columns, {}, {"columns": reads["columns"]}
    for rule in rules(form):
        if reads[rule] & changed:
            parts[rule], now[rule] = recorded(rule, data, x, form)
        else:
            parts[rule], now[rule] = old.parts[rule], reads[rule]
    if reads["objective"] & changed:
        costs, now["objective"] = recorded(objective, data, x)
    else:   # the cost table is part of the objective: what it read is unchanged too
        costs, now["objective"] = old.costs, reads["objective"]
        carry_cost_vectors(old.data, data)
    return assembled(data, form, x, parts, costs, now, like=old)
