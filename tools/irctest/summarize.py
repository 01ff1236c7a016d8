#!/usr/bin/env python3
"""Summarizes irctest runs written by run.sh.

For each SERVER given, reads OUT/SERVER.xml (pytest's JUnit XML) and
OUT/SERVER.log (pytest's output), and prints:
  * a Markdown table: server, passed, failed, errors, skipped, xfailed, time;
  * for each server, its failing tests (pytest node ids) with the first line
    of the assertion message;
  * with --target SERVER: the tests that SERVER passes and each other server
    fails or skips (what the others would have to fix to catch up).

The counts come from the JUnit XML (pytest 7 writes an xfail as <skipped
type="pytest.xfail">). If a run was cut off before pytest wrote its XML, the
row says so and shows pytest's last progress line instead.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
from pathlib import Path
import re
import sys
from typing import Dict, List, Optional
import xml.etree.ElementTree as ET


@dataclasses.dataclass
class Outcome:
    status: str  # passed, failed, error, skipped, xfailed
    message: str = ""


@dataclasses.dataclass
class Run:
    server: str
    outcomes: Dict[str, Outcome]
    seconds: Optional[float]
    summary_line: str

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes.values() if o.status == status)


def node_id(classname: str, name: str) -> str:
    """irctest.server_tests.chmodes.ban.BanModeTestCase + testBan ->
    irctest/server_tests/chmodes/ban.py::BanModeTestCase::testBan"""
    module, _, cls = classname.rpartition(".")
    return f"{module.replace('.', '/')}.py::{cls}::{name}"


def first_line(text: Optional[str]) -> str:
    text = (text or "").strip()
    return text.splitlines()[0] if text else ""


def read_run(out: Path, server: str) -> Run:
    log = out / f"{server}.log"
    summary = ""
    if log.exists():
        lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln]
        for line in reversed(lines):
            if re.search(r"\b(passed|failed|error|skipped|deselected)\b.* in [\d.]+s", line):
                summary = line.strip("= ")
                break
        else:
            summary = "(no pytest summary: run cut off?) " + (lines[-1][:200] if lines else "")
    xml = out / f"{server}.xml"
    outcomes: Dict[str, Outcome] = {}
    seconds = None
    if xml.exists():
        root = ET.parse(xml).getroot()
        suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
        seconds = sum(float(s.get("time") or 0) for s in suites)
        for case in root.iter("testcase"):
            nid = node_id(case.get("classname", ""), case.get("name", ""))
            outcome = Outcome("passed")
            for child in case:
                if child.tag == "failure":
                    outcome = Outcome("failed", first_line(child.get("message")))
                elif child.tag == "error":
                    outcome = Outcome("error", first_line(child.get("message")))
                elif child.tag == "skipped":
                    kind = "xfailed" if child.get("type") == "pytest.xfail" else "skipped"
                    outcome = Outcome(kind, first_line(child.get("message")))
            # A teardown error is a second <testcase> entry with the same id;
            # keep the worse outcome.
            if nid not in outcomes or outcome.status in ("failed", "error"):
                outcomes[nid] = outcome
    return Run(server, outcomes, seconds, summary)


def table(runs: List[Run]) -> str:
    rows = [
        "| server | passed | failed | errors | skipped | xfailed | time (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        if not run.outcomes:
            rows.append(f"| {run.server} | – | – | – | – | – | {run.summary_line} |")
            continue
        rows.append(
            "| {} | {} | {} | {} | {} | {} | {:.0f} |".format(
                run.server,
                run.count("passed"),
                run.count("failed"),
                run.count("error"),
                run.count("skipped"),
                run.count("xfailed"),
                run.seconds or 0,
            )
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="directory run.sh wrote results to")
    parser.add_argument("servers", nargs="+")
    parser.add_argument("--target", help="list what this server passes and the others do not")
    parser.add_argument("--no-failures", action="store_true", help="only the table")
    args = parser.parse_args()

    runs = [read_run(args.out, s) for s in args.servers]
    print(table(runs))
    print()
    for run in runs:
        print(f"{run.server}: {run.summary_line}")
    if args.no_failures:
        return 0

    for run in runs:
        bad = {n: o for n, o in run.outcomes.items() if o.status in ("failed", "error")}
        print(f"\n## {run.server}: {len(bad)} failed or errored\n")
        for nid, outcome in sorted(bad.items()):
            print(f"- {outcome.status.upper()} {nid} - {outcome.message[:200]}")

    if args.target:
        target = next((r for r in runs if r.server == args.target), None)
        if target is None:
            print(f"--target {args.target}: not among the servers", file=sys.stderr)
            return 2
        passed = {n for n, o in target.outcomes.items() if o.status == "passed"}
        for run in runs:
            if run is target:
                continue
            by_status = collections.defaultdict(list)
            for nid in sorted(passed):
                outcome = run.outcomes.get(nid)
                status = outcome.status if outcome else "not run"
                if status != "passed":
                    by_status[status].append(nid)
            for status, nids in sorted(by_status.items()):
                print(f"\n## {target.server} passes, {run.server} {status}: {len(nids)}\n")
                for nid in nids:
                    print(f"- {nid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
