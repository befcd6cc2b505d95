"""Writes a benchmark run into ``docs/benchmarks.md``, between the results markers (the text
around them, which explains the benchmark, is kept)."""

from pathlib import Path

START = "<!-- results:start -->"
END = "<!-- results:end -->"

LABELS = {
    "ceiling": "ceiling view",
    "home": "home",
    "practice_list": "practice list, no filter",
    "practice_facets": "practice list, three facets",
    "practice_search": "practice list, full-text search",
    "practice_detail": "practice detail",
    "city_detail": "city detail",
    "pairing_list": "pairing list",
    "pairing_detail": "pairing detail",
    "meeting_list": "meeting list",
    "meeting_detail": "meeting detail",
    "admin_pairings": "admin changelist of pairings",
    "api_practice_list": "API: list of 50 practices",
    "workspace": "a pairing's workspace (5,000 messages, 500 documents)",
}


def _pages_table(pages: dict) -> list[str]:
    lines = [
        "| page | req/s | ceiling req/s | R | R per round | rate (req/s) | p50 ms | p95 ms "
        "| p99 ms | queries | nothing cached: p50 ms | p95 ms | queries | status |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| --- |",
    ]
    for page, m in pages.items():
        queries = m.get("queries_min")
        if m.get("queries_max") != queries:
            queries = f"{queries}–{m.get('queries_max')}"
        statuses = ", ".join(str(s) for s in m.get("statuses", []))
        lines.append(
            f"| {LABELS.get(page, page)} | {m['rps']} | {m.get('ceiling_rps', '—')} | {m['R']} "
            f"| {'–'.join(str(r) for r in m.get('R_range') or []) or '—'} "
            f"| {m['rate']} | {m['p50_ms']} "
            f"| {m['p95_ms']} | {m['p99_ms']} | {queries} | {m.get('cold_p50_ms', '—')} "
            f"| {m.get('cold_p95_ms', '—')} | {m.get('cold_queries_max', '—')} | {statuses} |"
        )
    return lines


def _number(value) -> str:
    return "—" if value is None else str(value)


def _range(low, high) -> str:
    if low is None:
        return "—"
    return str(low) if low == high else f"{low}–{high}"


def _made_again(pages: dict) -> list[str]:
    """How often a measurement was made again because one worker process held every
    connection (``run.one_worker``)."""
    passes = [
        measured
        for modes in pages.values()
        for page in modes.values()
        for measured in (page, page.get("mixed") or {})
    ]
    reruns = sum(p.get("reruns") or 0 for p in passes)
    reconnects = sum(p.get("latency_reconnects") or 0 for p in passes)
    return [
        "Measurements made again because one worker process held every connection: "
        f"{reruns} `wrk` run{'s' if reruns != 1 else ''}, and the fixed-rate client's "
        f"connections {reconnects} time{'s' if reconnects != 1 else ''}."
    ]


def _mixed_table(pages: dict) -> list[str]:
    """Each page reads-only and mixed, side by side, with the ratios the targets judge."""
    lines = [
        "| page | req/s reads-only | req/s mixed | mixed ÷ reads-only | R reads-only | R mixed "
        "| p50 ms reads-only | p50 ms mixed | p95 ms reads-only | p95 ms mixed "
        "| p99 ms reads-only | p99 ms mixed | p99 mixed ÷ reads-only | writes (failed) |",
        "| --- " + "| ---: " * 13 + "|",
    ]
    for page, m in pages.items():
        mixed = m.get("mixed")
        if not mixed:
            continue
        lines.append(
            f"| {LABELS.get(page, page)} | {m['rps']} | {mixed['rps']} "
            f"| {_number(mixed['rps_ratio'])} | {m['R']} | {mixed['R']} "
            f"| {m['p50_ms']} | {mixed['p50_ms']} | {m['p95_ms']} | {mixed['p95_ms']} "
            f"| {m['p99_ms']} | {mixed['p99_ms']} | {_number(mixed['p99_ratio'])} "
            f"| {mixed['writes']} ({mixed['writes_failed']}) |"
        )
    return lines


def _writes_table(writes: dict) -> list[str]:
    lines = [
        "| write | count | failed | p50 ms | p95 ms | max ms | p95 ms, server saturated "
        "| p95 ms in the request | p95 ms in SQL | queries |",
        "| --- " + "| ---: " * 9 + "|",
    ]
    for kind, w in writes.get("kinds", {}).items():
        failed = str(w["failed"])
        if w["failed_statuses"]:
            failed += f" ({', '.join(str(s) for s in w['failed_statuses'])})"
        count = str(w["count"])
        if w.get("paced_count") is not None:
            count += f" ({w['paced_count']})"
        lines.append(
            f"| {kind.replace('_', ' ')} | {count} | {failed} | {_number(w['p50_ms'])} "
            f"| {_number(w['p95_ms'])} | {_number(w['max_ms'])} "
            f"| {_number(w['saturated_p95_ms'])} | {_number(w['request_p95_ms'])} "
            f"| {_number(w['sql_p95_ms'])} | {_range(w['queries_min'], w['queries_max'])} |"
        )
    return lines


def render(results: dict) -> str:
    machine = results["machine"]
    rows = results.get("rows", {})
    lines = [
        START,
        "## Latest run",
        "",
        f"- **Date:** {results['date']}",
        f"- **Machine:** {machine['cpus']} CPUs ({machine['cpu']}), {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, {machine['system']}",
        f"- **Command:** `make bench BENCH_SCALE={results['scale']:g}` "
        f"(seed {results['seed']}, {results['duration_s']} s per page, {results['gunicorn']}"
        + (
            f", mixed pass at {results['write_rate']:g} writes/s with one Celery worker"
            if results.get("write_rate")
            else ""
        )
        + ")",
        "- **Data:** "
        + ", ".join(f"{n:,} {name}" for name, n in rows.items() if isinstance(n, int))
        + "".join(
            f"; {name}: "
            + ", ".join(f"{value:,} {key}" for key, value in n.items() if key != "pairing")
            for name, n in rows.items()
            if isinstance(n, dict)
        ),
    ]
    if database := results.get("database"):
        lines.append(
            f"- **Database:** {database['server']}, shared buffers {database['shared_buffers']} "
            f"(the practice table: {database['practice_table']})"
        )
    if "generate_seconds" in results:
        lines.append(f"- **Generation:** {results['generate_seconds']} s")
    titles = (("anonymous", "Anonymous"), ("logged_in", "Logged in (programme staff)"))
    for mode, title in titles:
        lines += ["", f"### {title}", "", *_pages_table(results["pages"][mode])]
    lines += ["", *_made_again(results["pages"])]
    if writes := results.get("writes"):
        rate = f"{writes['rate']:g} write{'s' if writes['rate'] != 1 else ''} per second"
        for mode, title in titles:
            lines += ["", f"### Reads-only and mixed ({rate}): {title.lower()}", ""]
            lines += _mixed_table(results["pages"][mode])
        lines += ["", f"### Writes during the mixed passes ({rate})", "", *_writes_table(writes)]
        lines += [
            "",
            f"{writes['total']} writes; the writer's own CPU: {writes['writer_cpu_seconds']} s; "
            f"p95 of a write's start after its due time: {writes['late_p95_ms']} ms. "
            "In brackets after a count: the writes made while the pages were read below "
            "saturation, those the p50, p95 and max are of.",
        ]
    elif "write_rate" in results:
        lines += ["", "No mixed pass (`--write-rate 0`)."]
    lines += ["", "### Slowest with nothing cached", ""]
    lines += ["| page | mode | URL | ms | of which SQL ms |", "| --- | --- | --- | ---: | ---: |"]
    for mode in ("anonymous", "logged_in"):
        for page, m in results["pages"][mode].items():
            if page == "ceiling" or not m.get("cold_slowest"):
                continue
            slow = m["cold_slowest"][0]
            lines.append(
                f"| {LABELS.get(page, page)} | {mode.replace('_', ' ')} | `{slow['path']}` "
                f"| {slow['ms']} | {slow['sql_ms']} |"
            )
    lines += ["", "### Background jobs", ""]
    lines += [
        "| job | seconds | peak RSS MiB | queries | details |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, job in results.get("jobs", {}).items():
        details = {
            k: v
            for k, v in job.items()
            if k not in ("job", "seconds", "peak_rss_mib", "queries", "rss_before_mib")
        }
        detail_text = ", ".join(f"{k}: {v}" for k, v in details.items())
        lines.append(
            f"| {name} | {job.get('seconds', '—')} | {job.get('peak_rss_mib', '—')} "
            f"| {job.get('queries', '—')} | {detail_text} |"
        )
    lines += ["", "### Targets", "", "| page or job | mode | metric | target | measured | met |"]
    lines += ["| --- | --- | --- | ---: | ---: | --- |"]
    for row in results.get("targets", []):
        lines.append(
            f"| {LABELS.get(row['page'], row['page'])} | {row['mode']} | {row['metric']} "
            f"| {row['target']} | {row['value']} | {'yes' if row['met'] else '**no**'} |"
        )
    lines += ["", "### EXPLAIN (ANALYZE) of the full-text search", ""]
    for term, plan in results.get("explain_search", {}).items():
        lines += [f"Search for `{term}`:", "", "```", plan, "```", ""]
    lines.append(END)
    return "\n".join(lines)


def write_markdown(results: dict, path: Path) -> None:
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text:
        text = text.rstrip() + f"\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1] if END in rest else ""
    path.write_text(before + render(results) + after)
