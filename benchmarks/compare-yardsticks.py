#!/usr/bin/env python3
"""Issue 12's must-show comparisons in one command: each library runner beside its C++ yardstick.

Builds the two yardsticks (g++ -O3 -march=native -fopenmp, into a temporary folder) and the Release
benchmark runner, then runs every pair in rounds, each C# run right after the yardstick runs it is compared
with (the same minute, the same thread count), and prints one Markdown table: per round the rates, the
ratio and the target, and the medians of the ratios over the rounds. The rates are the runners'
`rate_median` lines (a draw is all strategies appraised; a person-cycle is one person in one cycle of
one strategy). Standard library only.

Usage:
  python3 benchmarks/compare-yardsticks.py [--rounds R] [--threads N] [--no-build] [--only NAME ...]

NAME is one of w16-cohort, w16-micro, w4-cohort, w4-micro. Exit status 0 when the runs completed (the
table says which targets are met), 2 when a build or a run failed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.path.join(ROOT, "benchmarks", "SocialInvestment.Benchmarks", "bin", "Release", "net10.0", "SocialInvestment.Benchmarks.dll")

# name: (yardstick, [(label, yardstick arguments, lowest ratio C#/yardstick the issue asks for)], C# runner arguments)
# The yardsticks' arguments are those benchmarks/README.md has used since the eleventh step: welfare-16's cohort
# 20,000 draws (plain: 2,000, it is slow), its microsimulation 100,000 people; welfare-4's cohort 100,000 draws.
PAIRS = {
    "w16-cohort": ("welfare16", [("fast", ["cohort", "20000", "3", "{t}", "fast"], 0.2), ("plain", ["cohort", "2000", "3", "{t}", "plain"], 20.0)],
                   ["welfare16", "cohort", "--threads", "{t}", "--draws", "20000", "--repeats", "7"]),
    "w16-micro": ("welfare16", [("fast", ["micro", "100000", "3", "{t}", "fast"], 0.5)], ["welfare16", "micro", "--threads", "{t}"]),
    "w4-cohort": ("welfare4", [("batch8", ["cohort", "100000", "21", "{t}", "batch8"], 0.8)], ["welfare4", "cohort", "--threads", "{t}", "--draws", "100000"]),
    "w4-micro": ("welfare4", [("lanes", ["micro", "1000000", "5", "{t}", "lanes"], 0.8)], ["welfare4", "micro", "--threads", "{t}"]),
}


def rate(v):
    for scale, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= scale:
            return f"{v / scale:.3g} {unit}"
    return f"{v:.3g}"


def last_json(text, what):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"{what} printed no JSON line")


def run(command, what):
    p = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        raise RuntimeError(f"{what} failed ({p.returncode}): {p.stderr.strip()[-500:]}")
    return last_json(p.stdout, what)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-build", action="store_true", help="use the runner and yardsticks already built")
    ap.add_argument("--only", nargs="*", choices=sorted(PAIRS), help="these pairs only")
    a = ap.parse_args()
    names = a.only or list(PAIRS)
    bin_dir = os.path.join(tempfile.gettempdir(), "socinv-yardsticks")
    os.makedirs(bin_dir, exist_ok=True)
    try:
        for y in sorted({PAIRS[n][0] for n in names}):
            exe = os.path.join(bin_dir, y)
            if not (a.no_build and os.path.exists(exe)):
                src = os.path.join(ROOT, "benchmarks", "yardsticks", y + ".cpp")
                subprocess.run(["g++", "-O3", "-march=native", "-fopenmp", "-std=c++17", "-o", exe, src], check=True)
        if not a.no_build:
            subprocess.run(["dotnet", "build", "benchmarks/SocialInvestment.Benchmarks", "-c", "Release", "-v", "q", "-nologo"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 2

    t = str(a.threads)
    print("| Pair | Round | Yardstick (rate) | C# (rate) | Ratio | Target |")
    print("|---|---:|---|---:|---|---|")
    medians = []
    try:
        for n in names:
            y, kernels, cs_args = PAIRS[n]
            ratios = {k: [] for k, _, _ in kernels}
            for r in range(1, a.rounds + 1):
                ys = {}
                for k, args, _ in kernels:
                    ys[k] = run([os.path.join(bin_dir, y)] + [x.format(t=t) for x in args], f"{y} {k}")
                cs = run(["dotnet", RUNNER] + [x.format(t=t) for x in cs_args], f"runner {n}")
                cs_rate = float(cs["rate_median"])
                cells = []
                for k, _, target in kernels:
                    ratio = cs_rate / float(ys[k]["rate_median"])
                    ratios[k].append(ratio)
                    cells.append((k, float(ys[k]["rate_median"]), ratio, target))
                extra = f", {cs['peak_rss_mb']} MB" if "micro" in n and "peak_rss_mb" in cs else ""
                print(f"| {n} | {r} | " + " · ".join(f"`{k}` {rate(v)}" for k, v, _, _ in cells) + f" | {rate(cs_rate)}{extra} | "
                      + " · ".join(f"{q:.3g}×" for _, _, q, _ in cells) + " | " + " · ".join(f"≥ {g:g}×" for _, _, _, g in cells) + " |")
            for k, _, target in kernels:
                m = statistics.median(ratios[k])
                medians.append((n, k, m, target))
    except RuntimeError as e:
        print(str(e), file=sys.stderr)
        return 2

    print()
    print("| Pair | Against | Median ratio | Target | |")
    print("|---|---|---:|---:|---|")
    for n, k, m, target in medians:
        print(f"| {n} | `{k}` | {m:.3g}× | ≥ {target:g}× | {'met' if m >= target else '**not met**'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
