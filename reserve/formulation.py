r"""The least-cost model, stated once: its variables, its constraint families, its cost.

Every equation of the model is one function of :mod:`reserve.equations`. Its
docstring gives the equation and its units; its body writes the rows it
stands for, vectorized over periods, as a :class:`reserve.equations.Block`:
(row, column, value) entries over one column layout
(:class:`reserve.layout.Columns`) and each row's lower and upper bound. The
list :data:`reserve.equations.FAMILIES` is the model. From the blocks come both the model
HiGHS solves (:meth:`Form.lp`, handed over as numpy arrays) and the Pyomo
model a user can read, extend and solve (:func:`reserve.pyomo_export.pyomo_model`,
built from the same blocks, never written again by hand).

A session re-solving one model for new data formulates the new data again
(cheap: numpy only; :mod:`reserve.reformulate` recomputes only the parts
whose inputs changed), checks that the sparsity is the same
(:attr:`Form.pattern`) and writes only the numbers that differ
(:mod:`reserve.session`).

Symbols
-------
======================  ==========================  ==========================
symbol                  column group                unit
======================  ==========================  ==========================
:math:`N_k`             ``new_capacity_mb``         mb, per storage option
:math:`y_k`             ``built``                   1, build-or-not options
:math:`c_{j,t}`         ``contract_mb``             mb contracted in t (lease j)
:math:`C_{j,t}`         ``contracted_mb``           mb under contract
:math:`F, R`            ``fill_capacity_mbd``, ...  mb/d
:math:`f_t, r_t`        ``fill_mbd``, ``release_mbd``  mb/d in period t
:math:`s_t`             ``inventory_mb``            mb at the end of period t
:math:`q`               ``pace_mbd``                mb/d, the closing sale's pace
:math:`z`               ``window_level``            USD/bbl held in the window
:math:`\Delta p_t`      ``impact_usd_per_bbl``      USD/bbl (markets that remember)
:math:`m_t`             ``memory``                  1 (adjusting markets)
:math:`\Delta I_t`      ``private_stock_mb``        mb, commercial holders' change
:math:`n_t`             ``net_mbd``                 mb/d, with the own-price premium
======================  ==========================  ==========================

Periods :math:`t \in T` are ``time_step_days`` = :math:`\Delta` days each: the
horizon :math:`H` (the question's own days), then the liquidation periods in
which the closing stock is sold. :math:`W \subset H` is the window.

Two forms of the price conditions
---------------------------------
*Size form* (static markets, linear or isoelastic): every price condition of
period t is one band on its net flow, :math:`lo_t \le f_t - r_t \le hi_t`
(:func:`reserve.price_conditions.net_flow_band`), so a new target, floor or
elasticity changes row bounds only.

*General form* (the linear market, and always one that remembers: an
adjusting market, commercial holders): the window level z is a variable,
so the largest reachable impact is one LP, and the market's memory and the
holders' stocks can be written.
"""

from __future__ import annotations

import functools
from dataclasses import InitVar, dataclass

import numpy as np

from .costs import cost_vectors, total_costs
from .equations import FAMILIES
from .layout import FORMS, Columns, columns, static_form
from .problem import ProblemData

__all__ = ["FORMS", "Form", "assembled", "checked_form", "formulate", "objective", "rules",
           "static_form"]


# -- the objective ----------------------------------------------------------------------

def objective(d: ProblemData, x: Columns) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    r"""Present cost [musd]: ``(cost per column, constant, quadratic columns, weights)``.

    .. math:: \min\ \sum_i c_i x_i + c_0 + \sum_i w_i n_i^2

    The unit costs come from one table (:func:`reserve.costs.cost_vectors`,
    summed over its parts by :func:`reserve.costs.total_costs`), which also
    prices every reported solution; the quadratic part is the
    own-price premium on the horizon's net flows and on the closing sale's
    pace (:meth:`reserve.problem.ProblemData.quadratic_weights`).
    """
    _, constants = cost_vectors(d)
    cost = np.zeros(x.size)
    for group, unit in total_costs(d).items():
        cost[x[group]] = unit
    quadratic = []
    if d.premium_musd_per_mbd2 is not None:
        quadratic.append(x["net_mbd"])
    if d.pace_premium_musd_per_mbd2 is not None:
        quadratic.append(x["pace_mbd"])
    where = np.concatenate(quadratic).astype(np.int32) if quadratic else np.zeros(0, np.int32)
    return cost, float(sum(constants.values())), where, d.quadratic_weights()


# -- the whole model --------------------------------------------------------------------

@dataclass
class Form:
    """One data set's model: columns, blocks of rows, objective (module docstring)."""

    form: str
    columns: Columns
    blocks: list
    cost: np.ndarray
    constant: float
    quadratic: np.ndarray          # columns of the quadratic part
    weights: np.ndarray            # its weights w (musd per unit squared)
    like: InitVar[Form | None] = None   # a Form to share the sparsity of (assembled)

    def __post_init__(self, like: Form | None):
        first, self.row_start = 0, {}
        for b in self.blocks:
            self.row_start[b.name] = first
            first += len(b.labels)
        self.n_rows = first
        self.n_cols = self.columns.size
        self.col_lower = np.concatenate(self.columns.lower) if self.columns.lower else np.zeros(0)
        self.col_upper = np.concatenate(self.columns.upper) if self.columns.upper else np.zeros(0)
        if like is not None and _same_structure(self, like):
            # the sparsity (never written in place) and its pattern, shared
            self.integer, self.rows, self.cols = like.integer, like.rows, like.cols
            if "pattern" in like.__dict__ and self.quadratic is like.quadratic:
                self.__dict__["pattern"] = like.__dict__["pattern"]
        else:
            self.integer = np.concatenate(self.columns.integer) if self.columns.integer else \
                np.zeros(0, bool)
            self.rows = np.concatenate([b.rows + self.row_start[b.name] for b in self.blocks])
            self.cols = np.concatenate([b.cols for b in self.blocks])
        self.vals = np.concatenate([b.vals for b in self.blocks])
        self.row_lower = np.concatenate([b.lower for b in self.blocks])
        self.row_upper = np.concatenate([b.upper for b in self.blocks])

    def block(self, family: str):
        """The block of one constraint family."""
        return next(b for b in self.blocks if b.name == family)

    def rows_of(self, family: str) -> np.ndarray:
        """The row numbers of one constraint family."""
        start = self.row_start[family]
        return np.arange(start, start + len(self.block(family).labels), dtype=np.int32)

    @functools.cached_property
    def pattern(self) -> tuple:
        """What a model built once keeps: the form, the shape, the sparsity, the
        integer columns, the quadratic columns. Equal patterns share a model;
        every other number is written in place. (Computed once: a sweep point
        compares it twice, and the model formulated again shares it.)"""
        return (self.form, self.n_rows, self.n_cols, tuple(b.name for b in self.blocks),
                self.rows.tobytes(), self.cols.tobytes(), self.integer.tobytes(),
                self.quadratic.tobytes())

    def text(self) -> str:
        """The model written out, a row a line, in the names of the symbol table:
        ``family[index]: lower <= +a col[index] ... <= upper``, then the
        bounds, the objective's costs and its quadratic weights. Golden files
        of small cases (``tests/lp_files``) are kept in this form."""
        names = [""] * self.n_cols
        for group, index in self.columns.index.items():
            sets = self.columns.labels[group]
            for i, col in enumerate(index.tolist()):
                names[col] = group if sets == () else f"{group}[{i}]"
        number = "{:.10g}".format
        terms: dict[int, list] = {}
        for r, c, v in zip(self.rows.tolist(), self.cols.tolist(), self.vals.tolist(),
                           strict=True):
            terms.setdefault(r, []).append(f"{'+' if v >= 0 else '-'}{number(abs(v))} {names[c]}")
        lines = [f"# {self.form} form: {self.n_rows} rows, {self.n_cols} columns"]
        for b in self.blocks:
            first = self.row_start[b.name]
            for n, label in enumerate(b.labels.tolist()):
                index = ",".join(map(str, label)) if isinstance(label, list) else label
                lines.append(f"{b.name}[{index}]: {number(b.lower[n])} <= "
                             f"{' '.join(terms.get(first + n, []))} <= {number(b.upper[n])}")
        lines.append("# bounds")
        lines += [f"{number(lo)} <= {name} <= {number(hi)}{' integer' if i else ''}"
                  for name, lo, hi, i in zip(names, self.col_lower, self.col_upper,
                                             self.integer, strict=True)]
        lines.append(f"# objective: minimize, constant {number(self.constant)}")
        lines += [f"{number(c)} {names[i]}" for i, c in enumerate(self.cost) if c != 0]
        lines += [f"{number(w)} {names[i]}^2" for i, w in zip(self.quadratic.tolist(),
                                                               self.weights, strict=True)]
        return "\n".join(lines) + "\n"

    def lp(self):
        """The model as a ``highspy.HighsLp`` (costs included; the quadratic part apart).

        An empty row or column range (lower > upper) is handed over at its
        upper bound; :mod:`reserve.session` writes the true bounds after,
        which HiGHS accepts and reports infeasible.
        """
        from .highslp import highs_lp
        return highs_lp(self.n_rows, self.n_cols, (self.rows, self.cols, self.vals),
                        (np.minimum(self.col_lower, self.col_upper), self.col_upper),
                        (np.minimum(self.row_lower, self.row_upper), self.row_upper),
                        cost=self.cost, integer=self.integer, offset=self.constant)


def _same_structure(new: Form, like: Form) -> bool:
    """Whether ``new`` has the columns and rows of ``like``, entry for entry
    (values aside): the same columns, and each block the same, or one
    recomputed with the same rows and columns (compared for it alone)."""
    if new.columns is not like.columns or len(new.blocks) != len(like.blocks):
        return False
    return all(a is b or (a.name == b.name and a.rows.shape == b.rows.shape
                          and np.array_equal(a.rows, b.rows) and np.array_equal(a.cols, b.cols))
               for a, b in zip(new.blocks, like.blocks, strict=True))


def formulate(data: ProblemData, form: str | None = None) -> Form:
    """The model of ``data`` in ``form`` ("size" or "general"; default: size for
    a static market, general for a dynamic one), the window held at the target
    (a session moves it: :meth:`reserve.session.Session.pin_level`)."""
    form = checked_form(data, form)
    x = columns(data, form)
    parts = {rule: rule(data, x, form) for rule in rules(form)}
    return assembled(data, form, x, parts, objective(data, x))


def checked_form(data: ProblemData, form: str | None = None) -> str:
    """``form``, or the form ``data`` takes by default; ValueError if ``data``
    has no model in it (a market that remembers has no size form, and the
    general form needs the linear market or the isoelastic curve)."""
    form = form or static_form(data)
    if form not in FORMS or (form == "size" and data.remembers) or (
            form == "general" and not (data.level_is_price or data.follows_curve)):
        raise ValueError(f"no {form} form for this market")
    return form


def rules(form: str) -> list:
    """The constraint families of ``form``, in the model's order."""
    return [rule for rule, forms in FAMILIES if form in forms]


def assembled(data: ProblemData, form: str, x: Columns, parts: dict, costs: tuple,
              reads: dict | None = None, like: Form | None = None) -> Form:
    """The Form of ``data`` from its columns, each rule's block (None: no rows)
    and its objective; it keeps ``data``, ``parts`` and ``costs``, and what each
    part read of ``data`` when that was recorded (``reads``, else None; see
    :mod:`reserve.reformulate`). With ``like``, a Form it was formulated again
    from, it shares that Form's sparsity arrays where they are the same."""
    built = Form(form, x, [b for b in parts.values() if b is not None and len(b.labels)],
                 *costs, like=like)
    built.data, built.parts, built.costs, built.reads = data, parts, costs, reads
    return built
