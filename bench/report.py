#!/usr/bin/env python3
"""Turns one benchmark run's raw figures into results.json, PNG charts and the Markdown report."""
import argparse
import json
import os
import subprocess

LIMIT = "nginx"
SUBJECT = "tokenswap"


def load_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def derive(run):
    """Adds the figures people read to wrk's raw counts."""
    requests = run.get("requests", 0)
    seconds = run.get("duration_us", 0) / 1e6
    run["requests_per_second"] = requests / seconds if seconds else 0.0
    for name in ("p50", "p99", "p999", "mean"):
        run[name + "_ms"] = run.get(name + "_us", 0) / 1000
    kinds = ("connect", "read", "write", "timeout")
    run["socket_errors"] = sum(run.get("errors_" + k, 0) for k in kinds)
    if run.get("kind") != "load":
        return run
    cpu = run["cpu_ticks"] / run["clock_ticks"]
    run["cpu_seconds_per_10k"] = cpu / requests * 10_000 if requests else None
    run["peak_rss_mib"] = run["peak_rss_kib"] / 1024
    opened = run["upstream_accepts"]
    run["upstream_connections_per_1k"] = opened / requests * 1000 if requests else None
    calls = run.get("upstream_requests")
    run["upstream_calls_per_request"] = calls / requests if requests and calls is not None else None
    return run


def ratio(a, b):
    return a / b if a is not None and b else None


def order(item):
    (_, workload, connections), _ = item
    return workload, connections


def comparisons(runs):
    """Each server against the limit and tokenswap against each other server, per workload and
    concurrency, from the runs made back to back in this one run."""
    by_key = {(r["server"], r["workload"], r["connections"]): r for r in runs}
    pairs = []
    for (server, workload, connections), run in sorted(by_key.items(), key=order):
        others = [LIMIT] if server != LIMIT else []
        if server == SUBJECT:
            others += sorted({s for s, _, _ in by_key} - {SUBJECT, LIMIT})
        for other in others:
            ref = by_key.get((other, workload, connections))
            if ref:
                pairs.append(pair(server, other, workload, connections, run, ref))
    return pairs


def pair(server, other, workload, connections, run, ref):
    return {
        "server": server, "against": other, "workload": workload, "connections": connections,
        "throughput": ratio(run["requests_per_second"], ref["requests_per_second"]),
        "cpu_per_request": ratio(run["cpu_seconds_per_10k"], ref["cpu_seconds_per_10k"]),
        "p99": ratio(run["p99_ms"], ref["p99_ms"]),
    }


def targets(runs, pairs, wan):
    """The published targets for /refresh against the limit, each with its figure."""
    mine = {r["connections"]: r for r in runs
            if r["server"] == SUBJECT and r["workload"] == "refresh"}
    vs = {p["connections"]: p for p in pairs
          if p["server"] == SUBJECT and p["against"] == LIMIT and p["workload"] == "refresh"}
    rows = []
    for connections, floor in ((16, 0.9), (128, 0.9), (512, 1.0)):
        if connections in vs:
            value = vs[connections]["throughput"]
            rows.append((f"throughput at {connections} connections >= {floor:.0%} of nginx's",
                         f"{value:.0%}", value >= floor))
    if vs:
        worst = max(vs.values(), key=lambda p: p["cpu_per_request"] or 0)
        rows.append(("CPU per request <= 1.3 x nginx's (worst concurrency)",
                     f"{worst['cpu_per_request']:.2f} x at {worst['connections']}",
                     worst["cpu_per_request"] <= 1.3))
        worse = [p for p in vs.values() if p["p99"] and p["p99"] > 1.0]
        figure = ", ".join(f"{p['p99']:.2f} x at {p['connections']}" for p in worse)
        rows.append(("p99 no worse than nginx's at each concurrency", figure or "all <= 1.0 x",
                     not worse))
    top = mine.get(max(mine)) if mine else None
    if top:
        errors = top["non_2xx"] + top["socket_errors"]
        rows.append((f"no errors at {top['connections']} connections", str(errors),
                     errors == 0))
        rows.append((f"peak RSS < 30 MB at {top['connections']} connections",
                     f"{top['peak_rss_mib']:.1f} MiB", top["peak_rss_mib"] < 30))
    if mine:
        worst = max(mine.values(), key=lambda r: r["upstream_connections_per_1k"] or 0)
        per_10k = (worst["upstream_connections_per_1k"] or 0) * 10
        rows.append(("upstream connections opened <= 1 per 10,000 requests, warm",
                     f"{per_10k:.2f} per 10,000 at worst ({worst['connections']} connections)",
                     per_10k <= 1.0))
    rows += wan_target(wan)
    return [{"target": t, "figure": f, "met": m} for t, f, m in rows]


def wan_target(wan):
    by = {r["server"]: r for r in wan}
    if "tokenswap pooled" not in by or "upstream direct" not in by:
        return []
    value = ratio(by["tokenswap pooled"]["mean_ms"], by["upstream direct"]["mean_ms"])
    return [("WAN: pooled exchange within 10 % of one round trip plus the upstream's time",
             f"{value:.2f} x ({by['tokenswap pooled']['mean_ms']:.1f} ms against "
             f"{by['upstream direct']['mean_ms']:.1f} ms)", value <= 1.1)]


def micro_rows(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        data = json.load(f)
    return [{"name": b["name"], "cpu_ns": b["cpu_time"], "real_ns": b["real_time"],
             "iterations": b["iterations"]} for b in data.get("benchmarks", [])]


def chart(out_dir, runs, workload, metric, label, log_y):
    servers = sorted({r["server"] for r in runs}, key=lambda s: (s != SUBJECT, s != LIMIT, s))
    data_path = os.path.join(out_dir, f".{workload}-{metric}.dat")
    counts = sorted({r["connections"] for r in runs})
    by_key = {(r["server"], r["connections"]): r for r in runs if r["workload"] == workload}
    with open(data_path, "w") as f:
        for c in counts:
            values = [by_key.get((s, c), {}).get(metric) for s in servers]
            cells = ["NaN" if v is None else f"{v:.4f}" for v in values]
            f.write(" ".join([str(c)] + cells) + "\n")
    png = f"{workload}-{'throughput' if metric == 'requests_per_second' else 'p99'}.png"
    plots = ", ".join(
        f"'{data_path}' using 1:{i + 2} with linespoints lw 2 pt 7 title '{s}'"
        for i, s in enumerate(servers))
    script = "\n".join([
        "set terminal pngcairo size 800,480 font 'sans,11'",
        f"set output '{os.path.join(out_dir, png)}'",
        f"set title 'POST /{workload}: {label} against concurrency'",
        "set logscale x 2", f"set xtics ({', '.join(str(c) for c in counts)})",
        "set xlabel 'connections'", f"set ylabel '{label}'",
        "set grid", "set key top left" if log_y else "set key bottom right",
        "set logscale y 10" if log_y else "set yrange [0:*]",
        f"plot {plots}",
    ])
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    os.remove(data_path)
    return png


def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def table(header, rows, align):
    """A Markdown table; align holds one 'l' or 'r' per column."""
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines + [""]


def machine_section(m):
    rows = [
        ("date", m["date"]), ("commit", m["commit"]),
        ("CPU", f"{m['cpu']}, {m['cores']} cores"), ("memory", m["memory"]),
        ("kernel", m["kernel"]),
        ("load average (1, 5, 15 min)", f"{m['load_before']} before, {m['load_after']} after"),
        ("tools", f"nginx {m['nginx']}, {m['wrk']}"),
        ("each run", f"{m['warmup_seconds']} s warm-up, then {m['seconds_per_run']} s measured"),
    ]
    return ["## Machine and run", ""] + table(["", ""], rows, "ll")


SETUP = """## Setup

- Load generator, servers and upstream share the machine, on loopback. wrk keeps its
  connections alive and posts form bodies (a Lua script), with 2 threads (1 for 1 connection).
- The upstream standing in for Spotify's token endpoint is nginx (1 worker) answering
  `POST /api/token` with a Spotify-shaped body whose `refresh_token` differs in every answer, so
  on every `/refresh` tokenswap seals a new refresh token and keeps the sealed answer for its
  grace window, as it does when Spotify rotates tokens.
- **nginx (the limit)** proxies `/exchange` and `/refresh` to that upstream (`proxy_pass`, a
  keep-alive pool of 32 connections per worker, one worker per core), adding the client's
  `Authorization` header: the same network work as tokenswap, with no crypto and no JSON.
- **tokenswap** runs with its defaults (one thread per core) and rate limiting switched off, so
  the figures show the cost of the work, not the protections.
- Both write one log line per request, to `/dev/null`.
- Every request carries a body of its own: a fresh code for `/exchange`, and for `/refresh`
  one of 32,768 refresh tokens the server itself sealed (from its own code exchanges), each wrk
  thread cycling through its share. So tokenswap, which joins concurrent refreshes of one token
  and remembers the answers of the last 20,000 rotated ones, calls the upstream on every request,
  as it does for many users ("upstream calls per request" shows it).
- CPU is the server's own (`utime + stime` from `/proc`, all its processes), peak RSS its
  `VmHWM` (reset before each run, summed over nginx's processes); upstream connections and
  calls are the upstream's `stub_status` counts during the measured run, after the warm-up.
"""


def headline_section(pairs):
    lines = ["## Headline: ratios in the same run", "",
             "Each row divides one server's figure by another's, measured back to back at the",
             "same concurrency. Throughput above 1 is better; CPU per request and p99 below 1",
             "are better.", ""]
    rows = [(f"/{p['workload']}", p["connections"], p["server"], p["against"],
             fmt(p["throughput"], 2), fmt(p["cpu_per_request"], 2), fmt(p["p99"], 2))
            for p in pairs]
    header = ["workload", "connections", "server", "against", "throughput", "CPU per request",
              "p99"]
    return lines + table(header, rows, "lrllrrr")


def targets_section(goals):
    rows = [(g["target"], g["figure"], "yes" if g["met"] else "**no**") for g in goals]
    return (["## Targets (tokenswap, `/refresh`, against nginx)", ""]
            + table(["target", "figure", "met"], rows, "lll"))


def runs_section(runs):
    header = ["workload", "connections", "server", "requests/s", "p50 ms", "p99 ms", "p99.9 ms",
              "non-2xx", "socket errors", "CPU s per 10k requests", "peak RSS MiB",
              "upstream connections per 1k", "upstream calls per request"]
    rows = [(f"/{r['workload']}", r["connections"], r["server"],
             fmt(r["requests_per_second"], 0), fmt(r["p50_ms"], 2), fmt(r["p99_ms"], 2),
             fmt(r["p999_ms"], 2), r["non_2xx"], r["socket_errors"],
             fmt(r["cpu_seconds_per_10k"], 3), fmt(r["peak_rss_mib"], 1),
             fmt(r["upstream_connections_per_1k"], 3), fmt(r["upstream_calls_per_request"], 2))
            for r in sorted(runs, key=lambda r: (r["workload"], r["connections"], r["server"]))]
    return ["## Every run", ""] + table(header, rows, "lrlrrrrrrrrrr")


def charts_section(pngs, rel):
    return ["## Charts", ""] + [f"![{png[:-4]}]({rel}/{png})" for png in pngs] + [""]


def wan_section(wan):
    if not wan:
        return ["## WAN scenario", "", "Not run (the benchmark's output says why).", ""]
    how = ("`tc netem`" if wan[0]["link"] == "netem" else
           "a user-space relay (`bench/delay_link.py`, as this kernel has no netem) that delays "
           "every chunk, and a new connection's first bytes by its handshake's round trip")
    text = (f"Two network namespaces joined by a veth pair, {wan[0]['one_way_delay_ms']} ms each "
            f"way through {how}. The upstream serves TLS with a test certificate; tokenswap trusts "
            "it through `UPSTREAM_CA_FILE`. One connection, one `/exchange` after another. "
            "\"upstream direct\" is the client posting to the upstream itself over a kept-alive "
            "TLS connection: one round trip plus the upstream's own time.")
    rows = [(r["server"], r["requests"], fmt(r["mean_ms"]), fmt(r["p50_ms"]), fmt(r["p99_ms"]),
             r["non_2xx"] + r["socket_errors"]) for r in wan]
    lines = ["## WAN scenario", "", text, ""]
    lines += table(["", "requests", "mean ms", "p50 ms", "p99 ms", "errors"], rows, "lrrrrr")
    by = {r["server"]: r for r in wan}
    if "tokenswap pooled" in by and "tokenswap unpooled" in by:
        saved = by["tokenswap unpooled"]["mean_ms"] - by["tokenswap pooled"]["mean_ms"]
        lines += [f"Reusing upstream connections saves {saved:.0f} ms per login.", ""]
    return lines


def micro_section(rows):
    if not rows:
        return []
    lines = ["## Microbenchmarks", "",
             "`micro_bench` (Google Benchmark, `-DTOKENSWAP_BENCH=ON`), CPU time per call.", ""]
    return lines + table(["benchmark", "ns per call"],
                         [(r["name"], fmt(r["cpu_ns"], 0)) for r in rows], "lr")


def read_run(work):
    with open(os.path.join(work, "machine.json")) as f:
        machine = json.load(f)
    all_runs = [r if r["kind"] == "server" else derive(r)
                for r in load_lines(os.path.join(work, "results.jsonl"))]
    runs = [r for r in all_runs if r["kind"] == "load"]
    wan = [r for r in all_runs if r["kind"] == "wan"]
    servers = {r["server"]: {"startup_peak_rss_mib": r["startup_peak_rss_kib"] / 1024}
               for r in all_runs if r["kind"] == "server"}
    pairs = comparisons(runs)
    return {"machine": machine, "servers": servers, "runs": runs, "wan": wan, "ratios": pairs,
            "targets": targets(runs, pairs, wan),
            "micro": micro_rows(os.path.join(work, "micro.json"))}


# A hand-written section from this heading on survives a new run (it says which run it read).
KEPT_HEADING = "## Profile"


def kept_section(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        text = f.read()
    start = text.find("\n" + KEPT_HEADING)
    return text[start + 1:].splitlines() if start >= 0 else []


def write_report(path, results, pngs, rel):
    lines = ["# Performance", "",
             "Figures of one run of `./bench/run.sh` (see the README's Performance section),",
             "which measures tokenswap beside nginx as a reverse proxy on the same machine.",
             f"Every figure is in [`{rel}/results.json`]({rel}/results.json).", ""]
    lines += machine_section(results["machine"]) + SETUP.splitlines()
    startup = ", ".join(f"{name} {s['startup_peak_rss_mib']:.1f} MiB"
                        for name, s in results["servers"].items())
    lines += [f"- Peak RSS from startup to the first run (tokenswap's includes deriving its key "
              f"with scrypt): {startup}.", ""]
    lines += headline_section(results["ratios"]) + targets_section(results["targets"])
    lines += runs_section(results["runs"]) + charts_section(pngs, rel)
    lines += wan_section(results["wan"]) + micro_section(results["micro"]) + kept_section(path)
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--report", required=True)
    args = parser.parse_args()

    results = read_run(args.work)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    runs = results["runs"]
    pngs = []
    for workload in sorted({r["workload"] for r in runs}):
        pngs.append(chart(args.out, runs, workload, "requests_per_second", "requests per second",
                          False))
        pngs.append(chart(args.out, runs, workload, "p99_ms", "p99 latency (ms)", True))
    rel = os.path.relpath(args.out, os.path.dirname(args.report))
    write_report(args.report, results, pngs, rel)
    print(f"bench: wrote {args.report} and {args.out}/results.json")
    print("\n".join(targets_section(results["targets"])))


if __name__ == "__main__":
    main()
