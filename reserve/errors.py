"""Errors a user can cause, each mapped to its exit code (docs/guide.md, "Exit codes").

- :class:`InputError` (exit 2): a bad parameter, file or option. The message
  names the parameter, the value given and what is allowed.
- :class:`TargetUnreachable` (exit 3): the inputs are fine but no reserve
  within the scenario's limits moves the price that far; carries a diagnosis.
- :class:`SolverFailure` (exit 4): HiGHS stopped without an answer (time or
  iteration limit, numerical trouble).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_SOLVER_FAILED = 4


class ReserveError(Exception):
    """Base of the errors the command line turns into an exit code."""

    exit_code = EXIT_UNEXPECTED


class InputError(ReserveError, ValueError):
    """A parameter, file or option a user gave is not allowed.

    Parameters
    ----------
    name : str
        The parameter (or option, or file) at fault, as the user spells it.
    value : object
        The value given.
    allowed : str
        What would be accepted, in words ("a number > 0", "one of: a, b").
    """

    exit_code = EXIT_BAD_INPUT

    def __init__(self, name: str, value: object, allowed: str):
        self.name = name
        self.value = value
        self.allowed = allowed
        shown = repr(value)
        if len(shown) > 80:   # a value of hundreds of characters: its start is enough
            shown = shown[:60] + f"... ({len(shown)} characters)"
        super().__init__(f"{name} = {shown}: {allowed}")

    def renamed(self, names: dict[str, str]) -> "InputError":
        """The same error in another door's words: ``names`` maps the names it
        was raised with (the API's arguments) to the door's (the command
        line's flags), in its name and where its words mention them."""
        import re
        # names in the words are identifiers (capacity_mb): a plain word that
        # happens to be a flag's name ("scenario") is prose and stays
        named = sorted((n for n in names if "_" in n), key=len, reverse=True)
        allowed = self.allowed
        if named:
            pattern = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, named))
                                 + r")(?![\w-])")
            allowed = pattern.sub(lambda m: names[m.group(1)], allowed)
        error = InputError(names.get(self.name, self.name), self.value, allowed)
        error.__cause__ = self.__cause__
        return error


class TargetUnreachable(ReserveError):
    """The target cannot be met; ``diagnosis`` says what binds and what is reachable."""

    exit_code = EXIT_INFEASIBLE

    def __init__(self, message: str, diagnosis: object = None):
        self.diagnosis = diagnosis
        #: the page of the diagnosis, when reserve.api.report was asked (HTML), else None
        self.report: str | None = None
        super().__init__(message)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as an interrupt so that a run stops the way Ctrl-C stops
    it: temporaries removed, solved rows kept, workers ended (exit 143)."""


class SolverFailure(ReserveError):
    """HiGHS ended without a usable solution (time limit, numerical trouble)."""

    exit_code = EXIT_SOLVER_FAILED
