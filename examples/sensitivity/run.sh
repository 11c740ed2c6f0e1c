#!/usr/bin/env bash
# How the October 2008 answer moves with its assumptions.
# Run from this folder after `pip install .` (see ../../README.md).
set -eu
cd "$(dirname "$0")"
# No caps on fill rate or tanker storage, so every point has an answer.
roomy=(--set fill_rate_max_mbd=inf --set storage.floating_storage.capacity_max_mb=inf)

echo "1. One input at a time: the literature's range of elasticities"
reserve sensitivity --vary demand_elasticity=-0.35:-0.03:9 --vary supply_elasticity=0:0.15:4 \
    "${roomy[@]}" -o elasticities.csv --plot elasticities.png

echo "2. Every input 25 % down and up"
reserve sensitivity --tornado --span 25% "${roomy[@]}" -o tornado.csv --plot tornado.png

echo "3. The elasticities as uncertain: quantiles over 1,000 draws"
reserve uncertainty --samples 1000 --seed 2008 "${roomy[@]}" \
    --dist demand_elasticity=uniform:-0.35:-0.03 \
    --dist supply_elasticity=triangular:0:0.05:0.15 --plot uncertainty.png

echo "4. One design that holds \$5 in 90 % of those draws"
reserve uncertainty --samples 1000 --seed 2008 "${roomy[@]}" \
    --dist demand_elasticity=uniform:-0.35:-0.03 \
    --dist supply_elasticity=triangular:0:0.05:0.15 --confidence 0.9
