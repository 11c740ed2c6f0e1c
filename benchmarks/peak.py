"""Run a command and report its time and peak resident memory, as a small launcher.

    python benchmarks/peak.py COMMAND [ARGS...]

prints ``peak_kb=N seconds=S`` as the last line of stderr and exits with the
command's code. The kernel counts into a child's peak the pages of the
process it was started from (exec inherits the high-water mark of the
memory it replaces, and Python starts children by vfork), so a benchmark
that has loaded reserve and solved would add its own size to every child's;
this launcher is small, so the figure is the command's own.
"""

import os
import sys
import time

start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
print(f"peak_kb={usage.ru_maxrss} seconds={time.perf_counter() - start:.6f}", file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))
