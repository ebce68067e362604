"""The peers of the usage summary benchmark: the same summary of a cost details CSV with
polars (scan_csv + group_by), DuckDB (read_csv + GROUP BY) or pandas (read_csv + groupby).

    python peer_usage.py --engine polars|duckdb|pandas FILE

Each reads only the columns the summary needs and computes what the Rust summary computes:
rows, total, currencies, first and last day, cost per service (meter category, else service
family), resource group (case folded), day and charge type, the ten most expensive resources
(case folded) and the distinct invoice ids. Costs are float64 (the engines' usual type; the
Rust side is exact). The time runs from the first read of the file to the last aggregate, after
the imports. The last stdout line is JSON: {"engine", "seconds", "rows", "total", ...}.
"""

import argparse
import json
import time

DATE = "date"
COST = "costInBillingCurrency"
CURRENCY = "billingCurrency"
SERVICE = "meterCategory"
FAMILY = "serviceFamily"
GROUP = "resourceGroupName"
RESOURCE = "ResourceId"
CHARGE = "chargeType"
INVOICE = "invoiceId"
COLUMNS = [DATE, COST, CURRENCY, SERVICE, FAMILY, GROUP, RESOURCE, CHARGE, INVOICE]


def with_polars(path):
    import polars as pl

    started = time.perf_counter()
    frame = (
        pl.scan_csv(path, infer_schema=False)
        .select(COLUMNS)
        .with_columns(
            pl.col(COST).cast(pl.Float64).fill_null(0.0),
            pl.col(DATE).str.strptime(pl.Date, "%m/%d/%Y"),
            pl.coalesce(pl.col(SERVICE), pl.col(FAMILY), pl.lit("")).alias("service"),
            pl.col(GROUP).fill_null("").str.to_lowercase().alias("group"),
            pl.col(RESOURCE).str.to_lowercase().alias("resource"),
            pl.col(CHARGE).fill_null(""),
        )
        .collect()
    )
    cost = pl.col(COST)
    by = lambda key: frame.group_by(key).agg(cost.sum(), pl.len()).sort(COST, descending=True)
    by_service = by("service")
    by_group = by("group")
    by_charge = by(CHARGE)
    by_day = frame.group_by(DATE).agg(cost.sum()).sort(DATE)
    top = (
        frame.filter(pl.col("resource").is_not_null())
        .group_by("resource")
        .agg(cost.sum())
        .sort(COST, descending=True)
        .head(10)
    )
    currencies = frame[CURRENCY].drop_nulls().unique().sort().to_list()
    invoices = frame[INVOICE].drop_nulls().unique().sort().to_list()
    total = frame[COST].sum()
    rows = frame.height
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": rows,
        "total": total,
        "currencies": currencies,
        "invoices": len(invoices),
        "services": by_service.height,
        "groups": by_group.height,
        "charges": by_charge.height,
        "days": by_day.height,
        "firstDay": str(by_day[DATE][0]),
        "lastDay": str(by_day[DATE][-1]),
        "top": top["resource"][0],
    }


def with_duckdb(path):
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect()
    quoted = ", ".join(f'"{c}"' for c in COLUMNS)
    con.execute(
        f"""
        CREATE TEMP TABLE u AS
        SELECT strptime("{DATE}", '%m/%d/%Y')::DATE AS day,
               coalesce(TRY_CAST("{COST}" AS DOUBLE), 0) AS cost,
               "{CURRENCY}" AS currency,
               coalesce(nullif("{SERVICE}", ''), nullif("{FAMILY}", ''), '') AS service,
               lower(coalesce("{GROUP}", '')) AS grp,
               lower(nullif("{RESOURCE}", '')) AS resource,
               coalesce("{CHARGE}", '') AS charge,
               nullif("{INVOICE}", '') AS invoice
        FROM (SELECT {quoted} FROM read_csv(?, header = true, all_varchar = true))
        """,
        [path],
    )
    q = lambda sql: con.execute(sql).fetchall()
    by = lambda key: q(f"SELECT {key}, sum(cost) AS c, count(*) FROM u GROUP BY {key} ORDER BY c DESC")
    by_service = by("service")
    by_group = by("grp")
    by_charge = by("charge")
    by_day = q("SELECT day, sum(cost) FROM u GROUP BY day ORDER BY day")
    top = q(
        "SELECT resource, sum(cost) AS c FROM u WHERE resource IS NOT NULL "
        "GROUP BY resource ORDER BY c DESC LIMIT 10"
    )
    currencies = [r[0] for r in q("SELECT DISTINCT currency FROM u WHERE currency IS NOT NULL ORDER BY 1")]
    invoices = q("SELECT DISTINCT invoice FROM u WHERE invoice IS NOT NULL ORDER BY 1")
    rows, total = q("SELECT count(*), sum(cost) FROM u")[0]
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": rows,
        "total": total,
        "currencies": currencies,
        "invoices": len(invoices),
        "services": len(by_service),
        "groups": len(by_group),
        "charges": len(by_charge),
        "days": len(by_day),
        "firstDay": str(by_day[0][0]),
        "lastDay": str(by_day[-1][0]),
        "top": top[0][0],
    }


def with_pandas(path):
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(
        path,
        usecols=COLUMNS,
        dtype={c: str for c in COLUMNS if c != COST},
        keep_default_na=False,
        engine="c",
    )
    frame[COST] = pd.to_numeric(frame[COST], errors="coerce").fillna(0.0)
    frame["day"] = pd.to_datetime(frame[DATE], format="%m/%d/%Y")
    frame["service"] = frame[SERVICE].where(frame[SERVICE] != "", frame[FAMILY])
    frame["group"] = frame[GROUP].str.lower()
    frame["resource"] = frame[RESOURCE].str.lower()
    by = lambda key: frame.groupby(key)[COST].agg(["sum", "count"]).sort_values("sum", ascending=False)
    by_service = by("service")
    by_group = by("group")
    by_charge = by(CHARGE)
    by_day = frame.groupby("day")[COST].sum().sort_index()
    top = (
        frame[frame["resource"] != ""].groupby("resource")[COST].sum().sort_values(ascending=False).head(10)
    )
    currencies = sorted(c for c in frame[CURRENCY].unique() if c)
    invoices = sorted(i for i in frame[INVOICE].unique() if i)
    total = float(frame[COST].sum())
    rows = len(frame)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": rows,
        "total": total,
        "currencies": currencies,
        "invoices": len(invoices),
        "services": len(by_service),
        "groups": len(by_group),
        "charges": len(by_charge),
        "days": len(by_day),
        "firstDay": str(by_day.index[0].date()),
        "lastDay": str(by_day.index[-1].date()),
        "top": top.index[0],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["polars", "duckdb", "pandas"], required=True)
    parser.add_argument("file")
    args = parser.parse_args()
    run = {"polars": with_polars, "duckdb": with_duckdb, "pandas": with_pandas}[args.engine]
    result = run(args.file)
    result["engine"] = args.engine
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
