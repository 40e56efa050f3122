#!/usr/bin/env python3
"""Catches drift between the metrics the code exposes and what ops/ refers to.

The simstream_* names are derived from the Java sources (every Counter/Timer/Gauge builder and
registry.gauge call under src/main/java), turned into the names Micrometer's Prometheus registry
emits (PrometheusNamingConvention: '.' -> '_', a gauge or counter's base unit appended, counters
get _total, timers _seconds with _count/_sum/_max, plus _bucket when publishPercentileHistogram()
is set, otherwise nothing more). The kafka_* names come from Kafka's own metrics, bound by
Micrometer's KafkaStreamsMetrics; they are not in this repository's sources, so they are checked
against ops/kafka-streams-metric-names.txt, a list taken from a real /metrics scrape.

  ops/check-metrics.py list                 # print the derived simstream_* series names
  ops/check-metrics.py check [FILES...]     # check the dashboard and alert rules (default set)

Exit status 1 when a file refers to a metric nobody emits.
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = ROOT / "src" / "main" / "java"
KAFKA_NAMES = ROOT / "ops" / "kafka-streams-metric-names.txt"
DEFAULT_FILES = [
    ROOT / "ops" / "grafana" / "simstream-dashboard.json",
    ROOT / "ops" / "prometheus" / "alerts.yml",
]

BUILDER = re.compile(r'\b(Counter|Timer|Gauge|DistributionSummary|FunctionCounter|FunctionTimer)'
                     r'\.builder\(\s*"([^"]+)"')
REGISTRY_GAUGE = re.compile(r'\.gauge\(\s*"([^"]+)"')
# A class's own gauge helper, e.g. gauge("simstream.drift.alarm", "description", ...).
HELPER_GAUGE = re.compile(r'(?<![.\w])gauge\(\s*"(simstream[._][^"]+)"')
BASE_UNIT = re.compile(r'\.baseUnit\(\s*"([^"]+)"\s*\)')


def snake(name):
    return re.sub(r'[^a-zA-Z0-9_:]', '_', name.replace('.', '_'))


def series_for(kind, name, base_unit, histogram):
    n = snake(name)
    if kind in ("Counter", "FunctionCounter"):
        if n.endswith("_total"):
            n = n[: -len("_total")]
        if base_unit and not n.endswith("_" + base_unit):
            n += "_" + base_unit
        return {n + "_total"}
    if kind == "Gauge":
        if base_unit and not n.endswith("_" + base_unit):
            n += "_" + base_unit
        return {n}
    if kind in ("Timer", "FunctionTimer"):
        if not n.endswith("_seconds"):
            n += "_seconds"
    elif base_unit and not n.endswith("_" + base_unit):  # DistributionSummary
        n += "_" + base_unit
    out = {n + "_count", n + "_sum", n + "_max"}
    if histogram:
        out.add(n + "_bucket")
    return out


def derived_names():
    """Every Prometheus series name the Java sources register, mapped to its source file."""
    names = {}
    for path in sorted(SOURCES.rglob("*.java")):
        text = path.read_text(encoding="utf-8")
        rel = str(path.relative_to(ROOT))
        for m in BUILDER.finditer(text):
            # The builder chain runs to the next register( call.
            end = text.find(".register(", m.end())
            chain = text[m.end(): end if end >= 0 else m.end()]
            unit = BASE_UNIT.search(chain)
            for s in series_for(m.group(1), m.group(2), unit.group(1) if unit else None,
                                "publishPercentileHistogram()" in chain):
                names[s] = rel
        for m in REGISTRY_GAUGE.finditer(text):
            names[snake(m.group(1))] = rel
        for m in HELPER_GAUGE.finditer(text):
            names[snake(m.group(1))] = rel
    return names


def kafka_names():
    out = set()
    for line in KAFKA_NAMES.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.add(line)
    return out


METRIC_REF = re.compile(r'\b((?:simstream|kafka)_[a-zA-Z0-9_]+)')


def expressions(path):
    """The PromQL expressions of a dashboard (targets' expr) or a rules file (expr:)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        exprs = []

        def walk(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    if k in ("expr", "query") and isinstance(v, str):
                        exprs.append(v)
                    else:
                        walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(json.loads(text))
        return exprs
    import yaml  # only needed for rule files
    exprs = []
    for group in (yaml.safe_load(text) or {}).get("groups", []):
        for rule in group.get("rules", []):
            exprs.append(str(rule.get("expr", "")))
    return exprs


def shown(path):
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def check(files):
    known = set(derived_names()) | kafka_names()
    problems = 0
    for f in files:
        refs = set()
        for e in expressions(f):
            refs.update(METRIC_REF.findall(e))
        if not refs:
            print(f"{shown(f)}: refers to no simstream_/kafka_ metric (wrong file?)")
            problems += 1
        for r in sorted(refs - known):
            print(f"{shown(f)}: {r} is not emitted (not derived from the Java sources,"
                  f" not in {KAFKA_NAMES.relative_to(ROOT)})")
            problems += 1
        print(f"{shown(f)}: {len(refs)} metric names checked")
    return problems


def main(argv):
    if len(argv) >= 2 and argv[1] == "list":
        for n, src in sorted(derived_names().items()):
            print(f"{n}\t{src}")
        return 0
    if len(argv) >= 2 and argv[1] == "check":
        files = [pathlib.Path(a).resolve() for a in argv[2:]] or DEFAULT_FILES
        problems = check(files)
        print("ok" if problems == 0 else f"{problems} problem(s)")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
