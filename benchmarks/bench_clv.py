"""Customer value (issue 18): the clv fits against PyMC-Marketing's, on the CDNOW data.

    python benchmarks/bench_clv.py                                   # our fits only
    python benchmarks/bench_clv.py --pymc-python /path/venv/bin/python --rounds 2

Each case is a fresh process, so imports and (for PyMC-Marketing) PyTensor's compilation count,
as they do on a user's first build:

ours        relatierapport's closed-form likelihoods on scipy: count the 2,357 customers of
            tests/data/lifetimes-cdnow/CDNOW_sample.txt as the clv analysis does (to 1997-09-30,
            in weeks), fit BG/NBD and Gamma-Gamma.
pymc-cold   PyMC-Marketing (in the interpreter given with ``--pymc-python``; ``pip install
            pymc-marketing`` in a venv of its own) fitting ``BetaGeoModel`` with
            ``fit(method="map")`` and flat priors (so the estimate is the maximum-likelihood one
            the paper publishes) on the paper's summary, with an empty PyTensor compile folder.
pymc-warm   the same with the compile folder the cold run filled.

Reported: wall seconds per case (best of ``--rounds``), the ratio to ours, the fitted r, α, a, b
and their difference from the published 0.243, 4.414, 0.793, 2.426.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CDNOW = ROOT / "tests" / "data" / "lifetimes-cdnow"
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}

OURS = f"""
import datetime as dt, json, time
start = time.perf_counter()
import polars as pl
from relatierapport.builtin.analyses.clv import models
from relatierapport.builtin.analyses.clv.purchases import purchase_summary
rows = [line.split() for line in open({str(CDNOW / "CDNOW_sample.txt")!r})]
business = pl.DataFrame({{"relation": [str(int(r[1])) for r in rows],
                         "date": [dt.datetime.strptime(r[2], "%Y%m%d").date() for r in rows],
                         "amount": [float(r[4]) for r in rows], "status": ["won"] * len(rows)}})
s = purchase_summary(business, {{"no_status_is_won": True}}, dt.date(1997, 9, 30), 7.0)
fitted = time.perf_counter()
bg = models.fit_bgnbd(s["x"].to_numpy(), s["t_x"].to_numpy(), s["T"].to_numpy())
r = s.filter((pl.col("x") > 0) & (pl.col("m") > 0))
gg = models.fit_gamma_gamma(r["x"].to_numpy(), r["m"].to_numpy())
print("RESULT " + json.dumps({{"params": {{"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b}},
      "log_likelihood": bg.log_likelihood, "fits_s": time.perf_counter() - fitted,
      "gamma_gamma": [gg.p, gg.q, gg.v]}}))
"""

PYMC = f"""
import json, time
import pandas as pd
import pymc_marketing.clv as clv
from pymc_extras.prior import Prior
df = pd.read_csv({str(CDNOW / "cdnow_customers_summary.csv")!r}).rename(columns={{"ID": "customer_id"}})
flat = {{name: Prior("HalfFlat") for name in ("r", "alpha", "a", "b")}}
fitted = time.perf_counter()
model = clv.BetaGeoModel(model_config=flat)
model.fit(data=df, method="map")
params = {{k: float(model.fit_result[k].values.squeeze()) for k in ("r", "alpha", "a", "b")}}
print("RESULT " + json.dumps({{"params": params, "fits_s": time.perf_counter() - fitted}}))
"""


def run(python: str, code: str, env: dict) -> dict:
    started = time.perf_counter()
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, check=True)
    wall = time.perf_counter() - started
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return {"wall_s": wall, **json.loads(line[len("RESULT "):])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pymc-python", help="an interpreter with pymc-marketing installed")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    results: dict[str, list[dict]] = {"ours": []}
    compiledir = Path(tempfile.mkdtemp(prefix="bench-clv-pytensor-"))
    try:
        for _ in range(args.rounds):
            results["ours"].append(run(sys.executable, OURS, env))
            if args.pymc_python:
                shutil.rmtree(compiledir, ignore_errors=True)
                pymc_env = {**os.environ, "PYTENSOR_FLAGS": f"compiledir={compiledir}"}
                results.setdefault("pymc-cold", []).append(run(args.pymc_python, PYMC, pymc_env))
                results.setdefault("pymc-warm", []).append(run(args.pymc_python, PYMC, pymc_env))
    finally:
        shutil.rmtree(compiledir, ignore_errors=True)
    best = {case: min(runs, key=lambda r: r["wall_s"]) for case, runs in results.items()}
    print("| case | process wall s (best) | fit s | × ours | runs wall s | r | α | a | b | largest difference from published |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for case, result in best.items():
        params = result["params"]
        worst = max(abs(params[k] / PUBLISHED[k] - 1) for k in PUBLISHED)
        runs = ", ".join(f"{r['wall_s']:.2f}" for r in results[case])
        print(f"| {case} | {result['wall_s']:.2f} | {result['fits_s']:.2f} | "
              f"{result['wall_s'] / best['ours']['wall_s']:.1f} | {runs} | "
              + " | ".join(f"{params[k]:.4f}" for k in PUBLISHED) + f" | {worst:.2%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
