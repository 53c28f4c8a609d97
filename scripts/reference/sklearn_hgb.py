#!/usr/bin/env python3
"""Reference fits for scripts/bench-models.ts: scikit-learn HistGradientBoosting (defaults, native
categoricals) and RandomForest (300 trees, n_jobs=1) on one shared dataset's fixed train/test split.

Usage: sklearn_hgb.py --data DIR --name NAME [--models hgb,rf] [--seed 42] [--repeats N]
Prints one JSON object: {"hgb": {"score", "fit_ms", "cpu_ms", "repeats", "n_iter", "metric"}, "rf": {...}};
a model that fails gets {"error": "..."} so the caller can go on. fit_ms and cpu_ms are medians of wall and
process CPU time of `fit` alone (the encoding is not timed); --repeats N fits exactly N times, otherwise up
to 3 (1 when the first takes over 2 s). Only numpy and scikit-learn (Debian has no pandas here).
The caller sets OMP_NUM_THREADS=1 so HGB's OpenMP loops are single-threaded like our engine.
"""
import argparse
import csv
import json
import math
import os
import statistics
import sys
import time

import numpy as np
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.metrics import log_loss, mean_squared_error, roc_auc_score

MISSING = {"", "na", "n/a", "nan", "null", "?"}  # same spellings as src/engine/data/column-types.ts


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def encode(meta, header, train_rows, test_rows):
    """Numeric columns as floats (NaN missing); categoricals as codes of the sorted train levels, with
    missing and test-only levels as NaN (HGB reads NaN in a categorical column as 'missing')."""
    feats = [c for c in meta["columns"] if c["name"] != meta["target"] and c["type"] in ("numeric", "categorical")]
    idx = {h: j for j, h in enumerate(header)}
    Xtr = np.empty((len(train_rows), len(feats)))
    Xte = np.empty((len(test_rows), len(feats)))
    cat_mask = []
    for k, col in enumerate(feats):
        j = idx[col["name"]]
        if col["type"] == "numeric":
            conv = lambda s: math.nan if s.strip().lower() in MISSING else float(s)
            Xtr[:, k] = [conv(r[j]) for r in train_rows]
            Xte[:, k] = [conv(r[j]) for r in test_rows]
            cat_mask.append(False)
        else:
            levels = sorted({r[j].strip() for r in train_rows if r[j].strip().lower() not in MISSING})
            code = {v: float(i) for i, v in enumerate(levels)}
            conv = lambda s: code.get(s.strip(), math.nan)
            Xtr[:, k] = [conv(r[j]) for r in train_rows]
            Xte[:, k] = [conv(r[j]) for r in test_rows]
            # HGB's native categoricals need fewer than max_bins (255) levels; wider ones stay ordinal.
            cat_mask.append(len(levels) < 255)
    return Xtr, Xte, np.array(cat_mask, dtype=bool)


def target(meta, header, rows):
    j = header.index(meta["target"])
    if meta["task"] == "regression":
        return np.array([float(r[j]) for r in rows])
    index = {c: i for i, c in enumerate(meta["classes"])}
    return np.array([index[r[j].strip()] for r in rows])


def predict(meta, model, X):
    """Regression values, or class probabilities in meta's class order (columns a fit never saw stay 0)."""
    if meta["task"] == "regression":
        return model.predict(X)
    full = np.zeros((len(X), len(meta["classes"])))
    full[:, model.classes_] = model.predict_proba(X)
    return full


def metric_of(meta, y, p):
    """(score, higher is better) of predictions p (see predict) by the primary metric: RMSE, ROC AUC of
    the positive class, or log loss."""
    metric = meta["metrics"]["primary"]
    if metric == "rmse":
        return float(math.sqrt(mean_squared_error(y, p))), False
    if metric == "roc_auc":
        pos = meta["classes"].index(meta.get("positive_class", meta["classes"][1]))
        return float(roc_auc_score(y == pos, p[:, pos])), True
    return float(log_loss(y, np.clip(p, 1e-15, 1), labels=list(range(len(meta["classes"]))))), False


def score(meta, model, X, y):
    return meta["metrics"]["primary"], metric_of(meta, y, predict(meta, model, X))[0]


def timed_fits(make, X, y, repeats):
    """Median wall and CPU ms of `repeats` fits, or of up to 3 (1 when the first takes over 2 s) like
    bench-models.ts without --repeats. CPU time is the honest figure on a loaded machine: with
    OMP_NUM_THREADS=1 the fit runs on one thread, so it is the work done, without the waits."""
    times, cpus = [], []
    model = None
    for _ in range(repeats or 3):
        model = make()
        t0, c0 = time.perf_counter(), time.process_time()
        model.fit(X, y)
        times.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
        if not repeats and times[0] > 2000:
            break
    return model, statistics.median(times), statistics.median(cpus), len(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--models", default="hgb,rf")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeats", type=int, default=0)
    args = ap.parse_args()
    with open(os.path.join(args.data, args.name + ".json"), encoding="utf-8") as f:
        meta = json.load(f)
    header, train_rows = read_csv(os.path.join(args.data, args.name + ".train.csv"))
    test_header, test_rows = read_csv(os.path.join(args.data, args.name + ".test.csv"))
    if test_header != header:
        raise SystemExit("train and test headers differ")
    Xtr, Xte, cat_mask = encode(meta, header, train_rows, test_rows)
    ytr, yte = target(meta, header, train_rows), target(meta, header, test_rows)
    reg = meta["task"] == "regression"
    out = {}
    for name in args.models.split(","):
        try:
            if name == "hgb":
                cls = HistGradientBoostingRegressor if reg else HistGradientBoostingClassifier
                make = lambda: cls(categorical_features=cat_mask if cat_mask.any() else None, random_state=args.seed)
                Xa, Xb = Xtr, Xte
            elif name == "rf":
                # scikit-learn 1.2 forests reject NaN: numeric gaps take the train median, categorical
                # gaps (and unseen levels) the code -1, so the forest can still split them apart.
                fill = np.full(Xtr.shape[1], -1.0)
                for k in np.flatnonzero(~cat_mask):
                    present = Xtr[~np.isnan(Xtr[:, k]), k]
                    fill[k] = np.median(present) if present.size else 0.0
                Xa = np.where(np.isnan(Xtr), fill, Xtr)
                Xb = np.where(np.isnan(Xte), fill, Xte)
                cls = RandomForestRegressor if reg else RandomForestClassifier
                make = lambda: cls(n_estimators=300, n_jobs=1, random_state=args.seed)
            else:
                raise ValueError("unknown model " + name)
            model, fit_ms, cpu_ms, runs = timed_fits(make, Xa, ytr, args.repeats)
            metric, value = score(meta, model, Xb, yte)
            out[name] = {"metric": metric, "score": value, "fit_ms": fit_ms, "cpu_ms": cpu_ms, "repeats": runs}
            if name == "hgb":
                out[name]["n_iter"] = int(model.n_iter_)
        except Exception as e:  # one model failing must not lose the other's result
            out[name] = {"error": f"{type(e).__name__}: {e}"}
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
