"""Users' files, read and written so that nothing is lost and nothing hangs.

Writing (:func:`write_output`):

- a regular file (or a new one) is written whole or not at all: a temporary
  file beside it, then an atomic rename over it; a symbolic link is followed,
  so its target is written and the link stays a link;
- anything else that exists (a terminal, a pipe, a FIFO, ``/dev/stdout``, a
  device) is written directly, since renaming over it would replace it;
  ``-`` is standard output;
- temporaries are named ``.NAME.reserve-PID.tmp`` (NAME cut short where the
  whole would pass 255 bytes): one left behind by a
  process that was killed outright (``kill -9``) is recognised by its dead
  PID and removed by the next write to that folder; on SIGTERM or Ctrl-C the
  writer removes its own (the command line turns SIGTERM into an exception).

Reading (:func:`read_text`): only a regular file is read (a FIFO would hang
the reader, a device never end), at most :data:`READ_MAX_BYTES`, as UTF-8
with a spreadsheet's byte-order mark dropped.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from pathlib import Path

from .errors import InputError

#: Largest file reserve reads (a scenario, a sheet, a price path).
READ_MAX_BYTES = 200 * 1024 * 1024
_TEMP = re.compile(r"^\.(?P<name>.+)\.reserve-(?P<pid>\d+)\.tmp$")


def read_text(path: str | Path, name: str = "scenario", kind: str = "TOML or CSV file",
              binary: bool = False) -> str | bytes:
    """A user's file as text (or bytes, with ``binary``); problems are
    InputErrors naming ``name``."""
    path = Path(path)
    if "\x00" in str(path):
        raise InputError(name, str(path), f"a {kind}'s name without a NUL character")
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(name, str(path), f"an existing {kind}") from None
    except OSError as err:
        raise InputError(name, str(path), f"a readable {kind} ({err.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(name, str(path), f"a regular {kind} (not a folder, pipe or device)")
    if info.st_size > READ_MAX_BYTES:
        raise InputError(name, str(path), f"a {kind} of at most "
                         f"{READ_MAX_BYTES // (1024 * 1024)} MB")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(name, str(path), f"a readable {kind} ({err.strerror})") from None
    if binary:
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(name, str(path), f"a UTF-8 {kind}") from None


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when two paths name one existing file (through links too)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _one_file(a: str | Path, b: str | Path) -> bool:
    """Two names of one file: the same existing file (links too), or, for a
    file not there yet, the same absolute path once links are resolved."""
    if same_file(a, b):
        return True
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, RuntimeError):
        return False


def check_distinct(inputs: dict, outputs: dict) -> None:
    """Refuse a command whose outputs would overwrite one of its inputs or each
    other: one rule for every command. ``inputs`` and ``outputs`` map an
    option's name to the path given for it (None or ``-`` when not given)."""
    given_out = [(k, v) for k, v in outputs.items() if v is not None and str(v) != "-"]
    given_in = [(k, v) for k, v in inputs.items()
                if v is not None and str(v) != "-" and Path(str(v)).suffix]
    for i, (name, path) in enumerate(given_out):
        for other, source in given_in:
            if _one_file(path, source):
                raise InputError(name, str(path), f"another file than {other} (the output "
                                 "would overwrite the input)")
        for other, earlier in given_out[:i]:
            if _one_file(path, earlier):
                raise InputError(name, str(path), f"another file than {other} (one output "
                                 "would overwrite the other)")


def write_output(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` as the module docstring says."""
    binary = isinstance(data, bytes)
    if str(path) == "-":
        stream = sys.stdout.buffer if binary else sys.stdout
        stream.write(data)
        stream.flush()
        return
    path = Path(path)
    if "\x00" in str(path):   # the callers' writing() names the option
        raise OSError(errno.EINVAL, "a file name without a NUL character")
    try:
        existing = path.stat()   # follows symbolic links
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(path, "wb" if binary else "w", **({} if binary else
                                                    {"encoding": "utf-8", "newline": ""})) as out:
            out.write(data)
        return
    target = Path(os.path.realpath(path))   # a link's target, written in its own folder
    folder = target.parent
    remove_stale_temporaries(folder)
    temporary = folder / _temporary_name(target.name)
    mode = (stat.S_IMODE(existing.st_mode) if existing is not None
            else 0o666 & ~_umask())   # a new file is for sharing, like any other
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data if binary else data.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


#: Longest file name most file systems take (bytes).
NAME_MAX = 255


def _temporary_name(name: str) -> str:
    """``.NAME.reserve-PID.tmp``, NAME cut short (keeping whole characters) when
    the whole would pass NAME_MAX: any name a user may write gets a temporary."""
    tail = f".reserve-{os.getpid()}.tmp"
    room = NAME_MAX - len(tail.encode()) - 1
    encoded = name.encode("utf-8")
    if len(encoded) > room:
        name = encoded[:room].decode("utf-8", errors="ignore")
    return f".{name}{tail}"


def remove_stale_temporaries(folder: Path) -> None:
    """Remove temporaries of reserve processes that no longer run."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = _TEMP.match(name)
        if match is None or _alive(int(match["pid"])):
            continue
        try:
            os.unlink(folder / name)
        except OSError:
            pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True     # another user's process: alive, not ours to touch
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
