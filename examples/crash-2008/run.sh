#!/usr/bin/env bash
# The 2008-09 crash: what reserve would have held crude at or above $70?
# Run from this folder after `pip install .` (see ../../README.md).
set -u
cd "$(dirname "$0")"
base=(reserve size --price-path brent-2008.csv --floor 70 --set lead_days=0 --hold-days 540)
# no limits on rates or tanker storage: how vast is vast?
roomy=(--set fill_rate_max_mbd=inf --set release_rate_max_mbd=inf
       --set storage.floating_storage.capacity_max_mb=inf)

echo "1. With the default scenario's limits (2 mb/d, 260 mb of quick storage):"
"${base[@]}"
echo "   exit code $? (3: out of reach, with the diagnosis above)"
echo
echo "2. Limits lifted:"
"${base[@]}" "${roomy[@]}" --schedule crash-schedule.csv --plot crash.png
echo
echo "3. ... with constant elasticities instead of the linear curve:"
"${base[@]}" "${roomy[@]}" --set price_model=isoelastic --format csv
echo
echo "4. ... and the market adjusts (long-run elasticities, half-life 180 days):"
"${base[@]}" "${roomy[@]}" --set demand_elasticity_long_run=-0.3 \
    --set supply_elasticity_long_run=0.15 --set adjustment_half_life_days=180 \
    --schedule crash-adjusting.csv --format csv
echo
echo "5. ... or OPEC cuts alongside, adding half again to every barrel stored:"
"${base[@]}" "${roomy[@]}" --set offset_share=-0.5 --format csv
echo
echo "6. ... or with Kilian & Murphy's (2014) elasticities:"
"${base[@]}" "${roomy[@]}" --set elasticity_preset=kilian-murphy-2014 --format csv
