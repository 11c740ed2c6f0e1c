"""Built models kept by sparsity pattern, so new data re-solves warm in a model it fits.

A diagnosis lifting one limit after another, a bisection, a batch that
alternates hold times: each asks for many models, most of them of a pattern
already built (:attr:`reserve.formulation.Form.pattern`). A
:class:`SessionCache` hands back the :class:`reserve.session.Session` of
that pattern moved to the new data, formulated again from the last model
used (:mod:`reserve.reformulate`), or builds one.
"""

from __future__ import annotations

from .formulation import checked_form
from .problem import ProblemData
from .reformulate import recorded_formulate, reformulate
from .session import Session
from .solution import Timings

__all__ = ["SessionCache"]


class SessionCache:
    """Sessions kept by model pattern, so a data set of a known sparsity
    re-solves warm in a model already built (a diagnosis lifting one limit
    after another, a batch alternating hold times).

    Parameters
    ----------
    time_limit_s : HiGHS's time limit per solve for the sessions it builds.
    kept : how many sessions to keep; the least recently used goes first.
    """

    def __init__(self, time_limit_s: float | None = None, kept: int = 8):
        self.time_limit_s = time_limit_s
        self.kept = kept
        self.builds = 0
        self._sessions: dict[tuple, Session] = {}
        self._timings = Timings()

    def session(self, data: ProblemData, form: str | None = None) -> Session:
        """A session holding ``data``: a kept one moved to it, or a new build.

        The model is formulated again from the last one used, recomputing only
        the parts whose inputs changed (:mod:`reserve.reformulate`)."""
        form = checked_form(data, form)
        last = next(reversed(self._sessions.values()), None)
        built = (reformulate(last.built, data) if last is not None and last.form == form
                 else recorded_formulate(data, form))
        key = built.pattern
        session = self._sessions.pop(key, None)
        if session is None:
            session = Session(data, form, self.time_limit_s, built=built)
            self.builds += 1
        else:
            session.load(data, built)
        self._sessions[key] = session   # the most recently used is last
        while len(self._sessions) > self.kept:
            oldest = next(iter(self._sessions))
            self._timings.add(self._sessions.pop(oldest).timings)
        return session

    @property
    def timings(self) -> Timings:
        """Time spent by every session built so far."""
        total = Timings()
        total.add(self._timings)
        for session in self._sessions.values():
            total.add(session.timings)
        return total
