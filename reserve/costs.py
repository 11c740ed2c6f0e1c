"""The cost table: what each variable of the model costs, in one place.

Every unit cost of the objective is here, by part (capital, operating, oil;
the tie-break and the owner's gain apart) and by variable group, as numpy
arrays computed from :class:`reserve.problem.ProblemData`. The model
(:func:`reserve.formulation.objective`) builds its objective from this table,
and every reported solution is priced from it (:func:`reserve.solution.price_solution`),
so what is minimized and what is reported cannot drift apart. It needs no
Pyomo: a model written straight into HiGHS (``benchmarks/raw_highspy.py``)
reads the same numbers.
"""

from __future__ import annotations

import numpy as np

from .problem import ProblemData

#: Tie-breaking costs [musd per unit]. With zero costs many designs are
#: optimal (any release capacity is free); these tiny costs pick the smallest
#: capacities, the earlier-listed storage option, the fewest contracts and the
#: latest filling, so reported figures never depend on the solver's choice
#: among ties. They are left out of every reported cost.
TIE_CAPACITY_MUSD_PER_MB = 1e-5
TIE_OPTION_ORDER = 1e-3          # relative extra per later-listed option
TIE_RATE_MUSD_PER_MBD = 1e-5
TIE_INVENTORY_MUSD_PER_MB_DAY = 1e-7

COST_PARTS = ("capital", "operating", "oil")
#: Parts of the objective that are not reported as costs.
OBJECTIVE_EXTRAS = ("tie", "gain")
def cost_vectors(data: ProblemData) -> tuple[dict, dict]:
    """Cost per unit of each variable [musd per unit], by part, and constant costs.

    Returns ``(costs, constants)``: ``costs[part][group]`` is an array over
    the variable group (``variable_groups``); parts are capital, operating,
    oil, the tie-break ("tie", never reported) and, when the objective is the
    owner's net benefit, its gain ("gain", a negative cost, reported apart by
    reserve.ledger). The own-price premium (quadratic) is added separately.

    - capital: capex_k * share_k per mb of new owned capacity N_k, fixed_k *
      share_k if built, rate_capex * share per mb/d of F and of R; share =
      CRF(r, life)*H (annuity) or 1 (full);
    - operating: O&M per mb of N_k over its discounted years usable (existing
      capacity: a constant); a lease contract of one mb started in tau:
      om*(Delta/365)*sum of delta over its term plus capex*delta_tau;
      Delta*delta_t*tc per mb/d moved, Delta*delta_t*hc/365 per mb held;
    - oil ("cost"): Delta*P_t*(delta_t - delta_H) per mb/d of net fill, delta_H*P_t
      per mb lost in storage; ("market", "baseline"): Delta*delta_t*P_t per mb/d
      of net fill, opening stock at P_first, closing stock credited at
      delta_H*P_last; ("sale"): Delta*delta_t*P_t per mb/d of net fill in every
      period, the liquidation's included.
    """
    cached = data.__dict__.get("_cost_vectors")
    if cached is not None:   # data never changes once built; sweeps ask often
        return cached
    n = data.n_periods
    k = len(data.options)
    inventory_oil = np.zeros(n)
    inventory_oil[:-1] = data.oil_loss_musd_per_mb[1:]   # s_t loses oil in period t+1
    inventory_oil[data.n_horizon - 1] += data.oil_closing_musd_per_mb   # the horizon's end
    milp = [i for i, o in enumerate(data.options) if o.build_or_not]
    leases = np.asarray(data.leases, dtype=int)
    costs = {
        "capital": {"new_capacity_mb": data.capital_musd_per_mb,
                    "built": data.fixed_charge_musd[milp],
                    "fill_capacity_mbd": np.array([data.rate_capital_musd_per_mbd]),
                    "release_capacity_mbd": np.array([data.rate_capital_musd_per_mbd])},
        "operating": {"new_capacity_mb": data.om_musd_per_mb_new,
                      "contract_mb": data.lease_musd_per_mb.ravel(),
                      "fill_mbd": data.transaction_musd_per_mbd,
                      "release_mbd": data.transaction_musd_per_mbd,
                      "inventory_mb": data.holding_musd_per_mb},
        "oil": {"fill_mbd": data.oil_musd_per_mbd, "release_mbd": -data.oil_musd_per_mbd,
                "inventory_mb": inventory_oil},
        "tie": {"new_capacity_mb": TIE_CAPACITY_MUSD_PER_MB * (1 + TIE_OPTION_ORDER * np.arange(k)),
                "contract_mb": np.repeat(TIE_CAPACITY_MUSD_PER_MB
                                         * (1 + TIE_OPTION_ORDER * leases), n),
                "fill_capacity_mbd": np.array([TIE_RATE_MUSD_PER_MBD]),
                "release_capacity_mbd": np.array([TIE_RATE_MUSD_PER_MBD]),
                "inventory_mb": np.full(n, TIE_INVENTORY_MUSD_PER_MB_DAY * data.step_days)},
    }
    if data.gain_musd_per_mbd is not None:
        # the owner's net benefit: its gain, linear in the flows, as a negative cost
        costs["gain"] = {"fill_mbd": -data.gain_musd_per_mbd,
                         "release_mbd": data.gain_musd_per_mbd}
    constants = {"operating": float(data.om_existing_musd.sum()), "oil": data.oil_constant_musd}
    data.__dict__["_cost_vectors"] = (costs, constants)
    return costs, constants


def carry_cost_vectors(old: ProblemData, new: ProblemData) -> None:
    """Give ``new`` the cost table computed for ``old``, if any: for callers
    that know every field :func:`cost_vectors` reads holds the same value in
    both (reserve.reformulate, when the objective, which reads the table,
    read no field that changed)."""
    cached = old.__dict__.get("_cost_vectors")
    if cached is not None and "_cost_vectors" not in new.__dict__:
        new.__dict__["_cost_vectors"] = cached


GROUPS = ("new_capacity_mb", "built", "contract_mb", "contracted_mb", "fill_capacity_mbd",
          "release_capacity_mbd", "fill_mbd", "release_mbd", "inventory_mb")


def group_sizes(data: ProblemData) -> dict[str, int]:
    """How many variables each group holds, for a data set (see variable_groups)."""
    n, k = data.n_periods, len(data.options)
    leased = len(data.leases) * n
    return {"new_capacity_mb": k, "built": sum(o.build_or_not for o in data.options),
            "contract_mb": leased, "contracted_mb": leased, "fill_capacity_mbd": 1,
            "release_capacity_mbd": 1, "fill_mbd": n, "release_mbd": n, "inventory_mb": n}


def total_costs(data: ProblemData) -> dict[str, np.ndarray]:
    """The objective's cost per unit of each variable group, all parts and the tie-break."""
    costs, _ = cost_vectors(data)
    sizes = group_sizes(data)
    out = {}
    for group in GROUPS:
        total = np.zeros(sizes[group])
        for part in (*COST_PARTS, *OBJECTIVE_EXTRAS):
            if group in costs.get(part, {}):
                total = total + np.asarray(costs[part][group], float)
        out[group] = total
    return out
