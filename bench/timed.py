#!/usr/bin/env python3
"""Runs a command and writes "WALL USER SYS" (seconds, microsecond resolution) to a file, like
/usr/bin/time -f '%e %U %S' but finer: GNU time prints hundredths, too coarse for a reader that
takes 0.1 s. USER and SYS are the command's rusage (all its threads, and any children it waited
for); WALL runs from just before the fork to the end of the wait. Exits with the command's status.

    timed.py OUTFILE COMMAND [ARG...]
"""
import os
import sys
import time


def main():
    out, command = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    with open(out, "w") as f:
        f.write(f"{wall:.6f} {usage.ru_utime:.6f} {usage.ru_stime:.6f}\n")
    sys.exit(os.waitstatus_to_exitcode(status) & 0xFF if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


if __name__ == "__main__":
    main()
