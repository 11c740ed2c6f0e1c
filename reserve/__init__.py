"""reserve: size a strategic crude-oil reserve that moves the world price.

Python API (names and units as in DESIGN.md)::

    from reserve.scenario import build_scenario
    from reserve.solve import size, impact
    answer = size(build_scenario(options={"target_impact_usd_per_bbl": 5}))
"""

__version__ = "0.1.0"
