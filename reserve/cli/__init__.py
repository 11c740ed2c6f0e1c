"""The ``reserve`` command line (typer): data to stdout, messages to stderr.

One module a group of commands (``answers``: size and impact; ``analysis``:
sensitivity and uncertainty; ``tables``: batch and params; ``futures``: paths
and risk; ``report``; ``insurance``: policy; ``compare``), sharing the app, the options and the error handling
of ``common``.

Exit codes (docs/guide.md, "Exit codes"): 0 answered; 2 bad input or usage; 3 target
out of reach (with a diagnosis); 4 the solver failed or hit its time limit;
1 anything unexpected; 130 Ctrl-C, 143 SIGTERM. No traceback is shown unless
``--debug`` is given.
"""

# importing a command module registers its commands, in this order in --help
from . import answers  # noqa: F401,I001
from . import analysis  # noqa: F401
from . import tables  # noqa: F401
from . import futures  # noqa: F401
from . import report  # noqa: F401
from . import insurance  # noqa: F401
from . import compare  # noqa: F401
from .common import app, main

__all__ = ["app", "main"]
