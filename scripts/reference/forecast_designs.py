#!/usr/bin/env python3
"""Which forecast designs reach REFERENCE.md's "linear 18.49" on airpassengers, and would a rolling-origin
validation on the train split choose them?

REFERENCE.md does not say how its airpassengers learners were built. This sweeps the designs a lag-feature
linear model can take, each a StandardScaler + Ridge(alpha=1) (REFERENCE.md's "Lin") forecasting
recursively: values raw or logged; no, first or seasonal (12) differences; lags of the (differenced) series
(several sets); month one-hot dummies or not; a time-index trend or not. Each design is scored twice:
 - on the test split: fitted on all 108 train months, forecasting the 36 test months from the end of train;
 - by the job's rolling-origin validation: origins after months 48, 60 and 72 of train, 36 months each
   (engine/forecast/validation-plan with 3 origins), the RMSE of each fold and their root mean square.
It prints the designs by median test RMSE over the lag sets, the best designs by validation score with
their test RMSE, and the Spearman rank correlation of each fold's score (and of the validation score) with
the test RMSE over all designs: how well a selection on the train split can find what the test rewards.

Usage: npm run bench:forecast-designs -- [--data DIR]  (numpy and scikit-learn: Debian python3-sklearn)
"""
import argparse
import csv
import itertools
import os
import statistics

import numpy as np
from scipy.stats import spearmanr
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HORIZON = 36
ORIGINS = (48, 60, 72)
LAG_SETS = [tuple(range(1, k + 1)) for k in (1, 2, 3, 6, 12, 13)] + [(1, 12), (12,), (1, 12, 24)]


def read_series(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["date"] for r in rows], [float(r["passengers_thousands"]) for r in rows]


def forecast(y, months, n, lags, month, trend, transform, diff):
    """Recursive forecast of HORIZON steps after the first n points of y (a design as the module says)."""
    z = list(np.log(y[:n]) if transform == "log" else y[:n])
    d = [z[t] - (z[t - diff] if diff else 0.0) if t >= diff else float("nan") for t in range(n)]

    def row(t):
        features = [d[t - lag] for lag in lags]
        if month:
            features += [1.0 if months[t] == m else 0.0 for m in range(1, 13)]
        if trend:
            features.append(float(t))
        return features

    first = diff + max(lags)
    model = make_pipeline(StandardScaler(), Ridge(alpha=1.0))
    model.fit(np.array([row(t) for t in range(first, n)]), np.array(d[first:n]))
    for t in range(n, n + HORIZON):
        d.append(0.0)  # a placeholder: row(t) reads lags only
        d[t] = float(model.predict(np.array([row(t)]))[0])
        z.append(d[t] + (z[t - diff] if diff else 0.0))
    out = np.array(z[n:])
    return np.exp(out) if transform == "log" else out


def rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "../../../shared/data"))
    args = ap.parse_args()
    train_dates, train = read_series(os.path.join(args.data, "airpassengers.train.csv"))
    test_dates, test = read_series(os.path.join(args.data, "airpassengers.test.csv"))
    y = np.array(train + test)
    months = [int(d[5:7]) for d in train_dates + test_dates]
    n = len(train)
    results = []
    for lags, month, trend, transform, diff in itertools.product(LAG_SETS, (0, 1), (0, 1), ("none", "log"), (0, 1, 12)):
        folds = [rmse(forecast(y, months, o, lags, month, trend, transform, diff), y[o:o + HORIZON]) for o in ORIGINS]
        score = float(np.sqrt(np.mean(np.square(folds))))
        results.append({"design": (transform, diff, month, trend), "lags": lags, "folds": folds, "cv": score,
                        "test": rmse(forecast(y, months, n, lags, month, trend, transform, diff), test)})

    print("designs by median test RMSE over %d lag sets (transform, differencing, month dummies, trend):" % len(LAG_SETS))
    by_design = {}
    for r in results:
        by_design.setdefault(r["design"], []).append(r)
    for design, rs in sorted(by_design.items(), key=lambda kv: statistics.median(r["test"] for r in kv[1])):
        tests = [r["test"] for r in rs]
        cvs = [r["cv"] for r in rs]
        print("  %-5s diff %-2d month %d trend %d  test median %6.1f (%.1f-%.1f)  validation median %6.1f" % (
            design[0], design[1], design[2], design[3], statistics.median(tests), min(tests), max(tests), statistics.median(cvs)))
    print("\nthe 10 best designs by rolling-origin validation, with their test RMSE:")
    for r in sorted(results, key=lambda r: r["cv"])[:10]:
        t, d, m, tr = r["design"]
        print("  validation %5.1f (folds %s)  test %5.1f  %s diff %d month %d trend %d lags %s" % (
            r["cv"], " ".join("%.1f" % f for f in r["folds"]), r["test"], t, d, m, tr, list(r["lags"])))
    tests = [r["test"] for r in results]
    print("\nSpearman rank correlation with the test RMSE over %d designs:" % len(results))
    for k, origin in enumerate(ORIGINS):
        print("  fold after month %d: %.2f" % (origin, spearmanr([r["folds"][k] for r in results], tests).correlation))
    print("  validation score:     %.2f" % spearmanr([r["cv"] for r in results], tests).correlation)


if __name__ == "__main__":
    main()
