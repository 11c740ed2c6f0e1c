"""Options that several commands share, declared once, each group an object.

A command names a group by annotating a parameter with its class::

    @app.command()
    @with_options
    def size(question: Question, source: ScenarioSource, out: AnswerOutputs): ...

:func:`with_options` shows typer the group's fields as ordinary options
(``--target-impact``, ``--scenario``, ...), then hands the command one object
a group, built from what the user typed. The declarations, their help and
their checks live here and nowhere else, so a new option reaches every
command that shares the group at once.
"""

from __future__ import annotations

import functools
import inspect
import sys
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import InputError


def option(default, *names: str, **settings):
    """A group field declared as a typer option: ``default`` in Python, ``names`` on the line."""
    return field(default=default, metadata={"option": typer.Option(default, *names, **settings)})


def with_options(command):
    """Let ``command`` take option groups (dataclasses of :func:`option` fields).

    Typer reads a command's signature; this one shows it each group's fields
    in place of the group's parameter, and builds the group back from them
    when the command runs.
    """
    hints = typing.get_type_hints(command)
    groups: dict[str, type] = {}
    parameters = []
    for p in inspect.signature(command).parameters.values():
        kind = hints.get(p.name)
        if is_dataclass(kind):
            groups[p.name] = kind
            group_hints = typing.get_type_hints(kind)
            parameters += [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY,
                                             default=f.metadata["option"],
                                             annotation=group_hints[f.name])
                           for f in fields(kind)]
        else:
            parameters.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY,
                                        annotation=hints.get(p.name, p.annotation)))
    names = [p.name for p in parameters]
    if len(set(names)) != len(names):
        raise TypeError(f"{command.__name__}: an option is declared twice: {names}")

    @functools.wraps(command)
    def run(**given):
        for name, kind in groups.items():
            given[name] = kind(**{f.name: given.pop(f.name) for f in fields(kind)})
        return command(**given)

    del run.__wrapped__   # typer must see the signature below, not the command's
    run.__signature__ = inspect.Signature(parameters)
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    return run


# -- the groups ----------------------------------------------------------------------

@dataclass(frozen=True)
class ScenarioSource:
    """Where a command's scenario comes from: a file or shipped name, and overrides."""

    scenario: Optional[Path] = option(
        None, "--scenario", "-s",
        help="Scenario: a shipped name (us-spr-2022, sechin-2008) or a file (.toml, or a "
             "name,value .csv / .xlsx); default: sechin-2008 (October 2008).")
    set_: Optional[List[str]] = option(
        None, "--set", metavar="NAME=VALUE",
        help="Override a parameter (repeatable); storage options as storage.NAME.FIELD=VALUE. "
             "See `reserve params`.")

    def overrides(self) -> dict:
        """The ``--set`` overrides by parameter name."""
        from ..api import parse_set
        return parse_set(self.set_ or [])

    def build(self, unwind: bool = False, price_path: Optional[Path] = None, **options):
        """The scenario: file, ``--set``, then the command's own ``options`` (None
        means "as the file says"); ``unwind`` last, as it needs the opening stock
        the others settle; on the ``--price-path`` file, if given."""
        from ..api import question
        options = {k: (v.value if isinstance(v, Enum) else v) for k, v in options.items()}
        return question(self.scenario, self.overrides(), options, unwind=unwind,
                        price_path=price_path)


HoldOpt = typer.Option(None, "--hold-days", help="Days the impact must hold [d].")
PathOpt = typer.Option(None, "--price-path", metavar="FILE.csv",
                       help="Baseline prices over time: CSV day,price_usd_per_bbl or "
                            "date,price_usd_per_bbl (day 0 = first row).")
FloorOpt = typer.Option(None, "--floor", metavar="USD",
                        help="Price floor [USD/bbl] in every period (replaces the target).")
CeilingOpt = typer.Option(None, "--ceiling", metavar="USD",
                          help="Price ceiling [USD/bbl] in every period.")


@dataclass(frozen=True)
class Question:
    """What the reserve must do: a move or a band, for how long, against which prices."""

    target_impact: Optional[str] = option(
        None, "--target-impact", "-t", metavar="USD|PCT%",
        help="Signed price move to hold [USD/bbl]: 5 raises by $5, -5 lowers, 5% is percent "
             "of the baseline price.")
    hold_days: Optional[int] = option(None, "--hold-days", help=HoldOpt.help)
    floor: Optional[str] = option(None, "--floor", metavar="USD", help=FloorOpt.help)
    ceiling: Optional[str] = option(None, "--ceiling", metavar="USD", help=CeilingOpt.help)
    price_path: Optional[Path] = option(None, "--price-path", metavar="FILE.csv",
                                        help=PathOpt.help)

    def overrides(self) -> dict:
        """The question as scenario parameters (None: as the scenario says)."""
        return dict(target_impact_usd_per_bbl=self.target_impact, hold_days=self.hold_days,
                    floor_usd_per_bbl=self.floor, ceiling_usd_per_bbl=self.ceiling)

    def scenario(self, source: ScenarioSource, unwind: bool = False, **options):
        """The scenario ``source`` gives, asked this question, on its price path."""
        return source.build(unwind, price_path=self.price_path, **self.overrides(), **options)


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = typer.Option(OutputFormat.table, "--format", "-f", help="Output format.")
PlotOpt = typer.Option(None, "--plot", metavar="FILE.png|.svg|.pdf",
                       help="Draw the answer: a chart in PNG, SVG or PDF.")


def check_plot_path(path: Optional[Path]) -> None:
    """Refuse a ``--plot`` name matplotlib would not write as asked."""
    if path is not None and path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError("--plot", str(path), "a file name ending in .png, .svg or .pdf")


def _option(name: str) -> str:
    """An argument's name as its command-line option: price_path -> --price-path."""
    return "--" + name.strip("_").replace("_", "-")


def check_files(inputs: dict, outputs: dict) -> None:
    """:func:`reserve.files.check_distinct` with the commands' option names."""
    from ..files import check_distinct
    check_distinct({_option(k): v for k, v in inputs.items()},
                   {_option(k): v for k, v in outputs.items()})


def check_outputs(schedule=None, output=None, rows=None) -> None:
    """Refuse output names reserve cannot write, before any solving."""
    from ..sheets import check_table_path
    check_table_path(schedule, "--schedule")
    check_table_path(output, "--output", (".json",))
    check_table_path(rows, "-o")


@dataclass(frozen=True)
class AnswerOutputs:
    """Where one answer goes: the terminal's format, files, a chart, the solver's time."""

    fmt: OutputFormat = option(OutputFormat.table, "--format", "-f", help=FormatOpt.help)
    schedule: Optional[Path] = option(
        None, "--schedule", metavar="FILE.csv|FILE.xlsx",
        help="Write the daily fill/release schedule (CSV or an .xlsx workbook).")
    output: Optional[Path] = option(
        None, "--output", "-o", metavar="FILE.csv|.xlsx|.json",
        help="Also write the results to a file (CSV, .xlsx or JSON).")
    plot: Optional[Path] = option(
        None, "--plot", metavar="FILE.png|.svg|.pdf",
        help="Draw baseline and supported price, fill/release and inventory.")
    time_limit: Optional[float] = option(None, "--time-limit",
                                         help="HiGHS time limit [s] (exit 4 when hit).")

    def check(self, **inputs) -> None:
        """Refuse what cannot be written or run, before any solving; ``inputs``
        (option name to path) are files no output may overwrite."""
        from ..files import check_distinct
        if self.time_limit is not None and not self.time_limit > 0:
            raise InputError("--time-limit", self.time_limit, "a number of seconds > 0")
        check_plot_path(self.plot)
        check_outputs(schedule=self.schedule, output=self.output)
        check_distinct({_option(k): v for k, v in inputs.items()},
                       {"--schedule": self.schedule, "--output": self.output,
                        "--plot": self.plot})


@dataclass(frozen=True)
class Cluster:
    """Where many solves run: local processes, or a Dask cluster."""

    workers: int = option(1, "--workers", help="Local processes to spread the points over.")
    scheduler: Optional[str] = option(
        None, "--scheduler", metavar="ADDRESS",
        help="Run the points on an existing Dask cluster: tls://host:8786 with the --tls-* "
             "files (or Dask's configuration), or tcp://host:8786 on a trusted network only "
             "(needs pip install 'reserve[dask]').")
    tls_ca_file: Optional[Path] = option(
        None, "--tls-ca-file", metavar="CA.pem",
        help="Certificate authority that signed the tls:// cluster's certificates.")
    tls_cert: Optional[Path] = option(None, "--tls-cert", metavar="CERT.pem",
                                      help="This client's certificate for a tls:// cluster.")
    tls_key: Optional[Path] = option(None, "--tls-key", metavar="KEY.pem",
                                     help="This client's private key for a tls:// cluster.")

    def check(self) -> None:
        if self.workers < 1:
            raise InputError("--workers", self.workers, "a whole number >= 1")

    def tls(self) -> tuple | None:
        """The TLS files for the scheduler (reserve.api's ``tls``), after checking
        the options; warns on stderr of a scheduler without TLS."""
        self.check()
        if self.scheduler is None:
            return None
        if not self.scheduler.startswith("tls://"):
            print(f"warning: {self.scheduler} is not encrypted or authenticated; whoever "
                  "answers there can run code in this process: use it on a trusted network "
                  "only, or a tls:// scheduler", file=sys.stderr)
        return (self.tls_ca_file, self.tls_cert, self.tls_key)


class Objective(str, Enum):
    least_cost = "least-cost"
    net_benefit = "net-benefit"


ObjectiveOpt = typer.Option(None, "--objective",
                            help="least-cost (default): the cheapest reserve that holds the "
                                 "target; net-benefit: the reserve best for its owner "
                                 "(no target; see the ledger parameters).")
UnwindOpt = typer.Option(False, "--unwind",
                         help="Sell back what was bought within the horizon "
                              "(end_inventory_max_mb = initial_inventory_mb); give tail_days "
                              "for the sale.")


@dataclass(frozen=True)
class DisruptionOptions:
    """Disruption regimes added to drawn paths (reserve.paths.Disruptions)."""

    disruption_mbd: float = option(
        0.0, "--disruption-mbd", metavar="MBD",
        help="Supply lost while a path is disrupted [mb/d]; its price rises as the scenario's "
             "market says (0: no disruptions).")
    p_disrupt: float = option(1 / 3650, "--p-disrupt", metavar="P",
                              help="Daily probability a normal day turns disrupted "
                                   "(default 1/3650: one a decade).")
    p_recover: float = option(1 / 180, "--p-recover", metavar="P",
                              help="Daily probability a disrupted day turns normal "
                                   "(default 1/180: six months on average).")

    def values(self) -> dict:
        """The disruption regimes by the API's argument names (reserve.api.draw_paths)."""
        return {"disruption_mbd": self.disruption_mbd, "p_disrupt": self.p_disrupt,
                "p_recover": self.p_recover}
