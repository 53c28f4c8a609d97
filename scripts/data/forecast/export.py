"""
Exports the real series of bench-forecast-blend --real (scripts/bench-forecast-blend.ts) from the
datasets bundled with statsmodels, so the committed CSVs can be regenerated and checked. Offline; run
with `/usr/bin/python3 scripts/data/forecast/export.py`. Not run by the bench, which reads the CSVs.
Every file has two columns, the time as an ISO date (`date`, or `year` for yearly series written as
YYYY-01-01) and `value`, so a forecast job reads it as is.
"""
from pathlib import Path

import pandas as pd
import statsmodels.api as sm

OUT = Path(__file__).resolve().parent


def write(name: str, times: pd.DatetimeIndex, values: pd.Series, decimals: int, time_column: str = "date") -> None:
    frame = pd.DataFrame({time_column: times.strftime("%Y-%m-%d"), "value": values.round(decimals).to_numpy()})
    if frame["value"].isna().any():
        raise ValueError(f"{name}: missing values left after export")
    frame.to_csv(OUT / f"{name}.csv", index=False, float_format=f"%.{decimals}f")
    print(f"{name}.csv: {len(frame)} rows, {frame[time_column].iloc[0]} to {frame[time_column].iloc[-1]}")


def january_firsts(years: pd.Series) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(years.astype(int).astype(str) + "-01-01"))


def co2() -> None:
    # Weekly flask samples with 59 missing weeks: interpolated in time first, so a month with a gap
    # is not averaged over fewer (and seasonally biased) weeks, then one mean per calendar month.
    weekly = sm.datasets.co2.load_pandas().data["co2"].interpolate(method="time")
    monthly = weekly.resample("MS").mean()
    write("co2", monthly.index, monthly, 3)


def elnino() -> None:
    # One row per year, one column per month: melted year by year into one monthly series.
    wide = sm.datasets.elnino.load_pandas().data
    months = wide.columns[1:]
    long = wide.melt(id_vars="YEAR", value_vars=list(months), var_name="month", value_name="value")
    long["month"] = long["month"].map({m: i + 1 for i, m in enumerate(months)})
    long = long.sort_values(["YEAR", "month"])
    times = pd.to_datetime(dict(year=long["YEAR"].astype(int), month=long["month"], day=1))
    write("elnino", pd.DatetimeIndex(times), long["value"], 2)


def macrodata() -> None:
    # Dated on the first day of each quarter.
    data = sm.datasets.macrodata.load_pandas().data
    times = pd.DatetimeIndex(pd.to_datetime(dict(year=data["year"].astype(int), month=3 * data["quarter"].astype(int) - 2, day=1)))
    for column, decimals in (("realgdp", 3), ("cpi", 3), ("unemp", 1)):
        write(column, times, data[column], decimals)


def sunspots() -> None:
    data = sm.datasets.sunspots.load_pandas().data
    write("sunspots", january_firsts(data["YEAR"]), data["SUNACTIVITY"], 1, "year")


def nile() -> None:
    data = sm.datasets.nile.load_pandas().data
    write("nile", january_firsts(data["year"]), data["volume"], 0, "year")


if __name__ == "__main__":
    co2()
    elnino()
    macrodata()
    sunspots()
    nile()
