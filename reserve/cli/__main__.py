"""``python -m reserve.cli``: the command line."""

from . import main

main()
