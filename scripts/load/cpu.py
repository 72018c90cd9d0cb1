"""CPU used by each program on the machine over a time span (run by scripts/load.sh during the
measured part of a load run): how many cores the portal, PostgreSQL, HAProxy and the load
generator itself used, so that latencies can be read against a full or an idle machine.

    python cpu.py SECONDS
"""

import os
import sys
import time


def snapshot():
    """pid -> (program, CPU ticks used so far) for every process."""
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        found[pid] = (name, int(fields[11]) + int(fields[12]))
    return found


def main():
    seconds = float(sys.argv[1])
    ticks = os.sysconf("SC_CLK_TCK")
    before, started = snapshot(), time.monotonic()
    time.sleep(seconds)
    after, elapsed = snapshot(), time.monotonic() - started
    used = {}
    for pid, (name, t) in after.items():
        earlier = before.get(pid)
        t0 = earlier[1] if earlier and earlier[0] == name else 0
        program = "postgres" if name.startswith("postgres") else name
        used[program] = used.get(program, 0) + t - t0
    total = sum(used.values())
    print(f"CPU over {elapsed:.0f} s ({os.cpu_count()} cores): {total / ticks / elapsed:.2f} cores busy")
    for program, t in sorted(used.items(), key=lambda kv: -kv[1])[:6]:
        print(f"  {program:16s} {t / ticks / elapsed:.2f} cores")


if __name__ == "__main__":
    main()
