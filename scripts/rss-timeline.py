#!/usr/bin/env python3
"""Where a `bench` run's resident memory goes, layer by layer (issue 13's RSS attribution, docs/performance.md).

Runs a command (e.g. `dotnet SdWeb.dll bench --component vae-decode ...`) with ONEDNN_VERBOSE=1, samples its VmRSS every
millisecond and timestamps each oneDNN primitive line as it arrives. oneDNN prints a line when a primitive has run, so
the samples between two lines belong to the second primitive (its output is allocated before it runs). Prints, for the
last `--convs` convolutions (one call of the component: the timed call), each convolution's shape with the RSS peak while it and the
non-oneDNN work before it ran, in MiB above `--base` (e.g. the weights), and the process's RSS with the models loaded
(before the first convolution) and before the call.

    scripts/rss-timeline.py --base 2034 -- dotnet SdWeb/bin/Release/net10.0/SdWeb.dll bench --model /tmp/sd15 \
        --component vae-decode --runs 1 --dtype bf16-compute
"""
import argparse
import os
import re
import subprocess
import sys
import threading
import time


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", type=float, default=0, help="MiB subtracted from every figure (the weights)")
    parser.add_argument("--convs", type=int, default=0, help="convolutions of the call: the last this many (0: the second half, i.e. `--runs 1`'s timed call)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, bufsize=1,
                               env={**os.environ, "ONEDNN_VERBOSE": "1"})
    samples, done = [], threading.Event()

    def sample():
        while not done.is_set():
            value = rss_mib(process.pid)
            if value is not None:
                samples.append((time.monotonic(), value))
            time.sleep(0.001)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    convs, other = [], []
    shape = re.compile(r"(mb\d+_ic\d+oc\d+_ih\d+oh\d+kh\d+\S*)")
    timed = True  # `bench` prints its memory, then times the rooflines: their convolutions are not the call's
    for line in process.stdout:
        now = time.monotonic()
        if line.startswith("peak RSS"):
            timed = False
        if timed and line.startswith("onednn_verbose") and ",exec," in line:
            kind = line.split(",")[5] if len(line.split(",")) > 5 else "?"
            if kind == "convolution":
                match = shape.search(line)
                convs.append((now, match.group(1) if match else "?"))
        elif not line.startswith("onednn_verbose"):
            other.append(line.rstrip())
    process.wait()
    done.set()
    sampler.join()

    selected = convs[-args.convs:] if args.convs else convs[len(convs) // 2:]
    print(f"{len(convs)} convolutions before bench's memory line, {len(selected)} shown")
    start = selected[0][0] if selected else 0
    previous = max((t for t, _ in convs if t < start), default=start - 1e9)
    loaded = [v for t, v in samples if convs and t <= convs[0][0] - 0.5]
    if loaded:
        print(f"RSS before the first convolution (models loaded): {loaded[-1] - args.base:8.0f} MiB above base")
    before = [v for t, v in samples if t <= previous]
    if before:
        print(f"RSS before the call: {before[-1] - args.base:8.0f} MiB above base")
    overall = 0.0
    for t, name in selected:
        window = [v for ts, v in samples if previous < ts <= t]
        peak = max(window, default=float("nan")) - args.base
        overall = max(overall, peak)
        print(f"{peak:8.0f}  {name}")
        previous = t
    after = [v for ts, v in samples if ts > previous]
    if after:
        print(f"{max(after) - args.base:8.0f}  after the last convolution")
    print(f"peak within the call: {overall:.0f} MiB above base")
    print("\n".join(line for line in other if line))
    return process.returncode


if __name__ == "__main__":
    sys.exit(main())
