#!/usr/bin/env python3
"""Turns compare's results.jsonl into a Markdown table: per workload and
metric, each server's median (min-max) over the runs and the ratio sala/peer
of the medians. Runs that failed are counted and their first error shown."""
import json
import statistics
import sys
from collections import defaultdict

METRICS = {
    "fanout": [("deliveries_per_s", "deliveries/s (higher is better)", 0),
               ("deliveries_per_server_cpu_s", "deliveries per server CPU-second (higher is better)", 0),
               ("msgs_per_s", "messages/s accepted", 0),
               ("lost", "lost deliveries (sum over runs)", None),
               ("disconnects", "members disconnected (sum)", None)],
    "latency": [("latency_p50_us", "latency p50 µs (lower is better)", 0),
                ("latency_p99_us", "latency p99 µs", 0),
                ("latency_p999_us", "latency p99.9 µs", 0),
                ("latency_max_us", "latency max µs", 0),
                ("lost", "lost deliveries (sum over runs)", None)],
    "idle": [("bytes_per_conn", "server RSS bytes per connection (lower is better)", 0),
             ("registered", "connections held (min over runs)", "min")],
    "churn": [("conns_per_s", "connect+register+join+say+quit per s (higher is better)", 0)],
}


def kind(workload):
    return workload.split("-")[0]


def fmt(v):
    if v >= 100:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    order, servers = [], []
    by = defaultdict(list)
    for r in rows:
        w, s = r.get("workload"), r.get("server")
        if w not in order:
            order.append(w)
        if s not in servers:
            servers.append(s)
        by[(w, s)].append(r)
    # Ratios against sala, or against the first server named (sala-tls when
    # comparing TLS).
    ref = "sala" if "sala" in servers else servers[0]
    peers = [s for s in servers if s != ref]
    head = ["workload", "metric"] + servers + [f"{ref}/{p}" for p in peers]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for w in order:
        for key, label, mode in METRICS.get(kind(w), []):
            cells, medians = [], {}
            for s in servers:
                runs = by.get((w, s), [])
                good = [r for r in runs if key in r and r.get("exit", 0) == 0 and "error" not in r]
                failed = [r for r in runs if r not in good]
                if mode is None:  # a sum: report it plainly
                    cell = str(sum(int(r[key]) for r in good)) if good else "–"
                elif mode == "min":
                    cell = str(min(int(r[key]) for r in good)) if good else "–"
                elif good:
                    vals = [float(r[key]) for r in good]
                    med = statistics.median(vals)
                    medians[s] = med
                    cell = fmt(med) if len(vals) == 1 else f"{fmt(med)} ({fmt(min(vals))}–{fmt(max(vals))})"
                else:
                    cell = "–"
                if failed:
                    err = failed[0].get("error") or failed[0].get("first_error") or "failed"
                    cell += f" [{len(failed)}/{len(runs)} failed: {err[:80]}]"
                cells.append(cell)
            ratios = []
            for p in peers:
                if ref in medians and p in medians and medians[p] > 0:
                    ratios.append(f"{medians[ref] / medians[p]:.2f}")
                else:
                    ratios.append("–")
            print("| " + " | ".join([w, label] + cells + ratios) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
