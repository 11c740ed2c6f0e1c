"""Calibrated scenarios (TOML), installed with the package as ``reserve.models``.

Every number in these files carries its source or its reasoning in a comment.
"""
