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
        f"(seed {results['seed']}, {results['duration_s']} s per page, {results['gunicorn']})",
        "- **Data:** " + ", ".join(f"{n:,} {name}" for name, n in rows.items()),
    ]
    if database := results.get("database"):
        lines.append(
            f"- **Database:** {database['server']}, shared buffers {database['shared_buffers']} "
            f"(the practice table: {database['practice_table']})"
        )
    if "generate_seconds" in results:
        lines.append(f"- **Generation:** {results['generate_seconds']} s")
    for mode, title in (("anonymous", "Anonymous"), ("logged_in", "Logged in (programme staff)")):
        lines += ["", f"### {title}", "", *_pages_table(results["pages"][mode])]
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
