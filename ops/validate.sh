#!/usr/bin/env bash
# Validates ops/ without a cluster:
#   1. every YAML file parses (multi-document), the dashboard JSON parses;
#   2. the Kubernetes manifests render (kubectl kustomize ops/) when kubectl is installed, and
#      pass `kubectl apply --dry-run=server` when a cluster is reachable;
#   3. settings in the ConfigMap and the pods' env are declared by serve/retrain, probes and
#      ports are there, CLI options exist (ops/check-settings.py k8s);
#   4. every metric the dashboard and the alert rules name is emitted (ops/check-metrics.py);
#   5. create-topics.sh creates the topics Topics.java / TopicSettings.java name, with the
#      models topic's configs (a dry run compared with the Java constants);
#   6. promtool and shellcheck, when installed.
# Needs python3 with PyYAML.
set -euo pipefail

ops="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$ops/.." && pwd)"

step() { printf '== %s\n' "$*"; }

step "YAML and JSON parse"
python3 - "$ops" <<'PY'
import json, pathlib, sys
import yaml
ops = pathlib.Path(sys.argv[1])
n = 0
for p in sorted(list(ops.rglob("*.yaml")) + list(ops.rglob("*.yml"))):
    docs = [d for d in yaml.safe_load_all(p.read_text()) if d is not None]
    if not docs:
        sys.exit(f"{p}: empty")
    n += len(docs)
for p in sorted(ops.rglob("*.json")):
    json.loads(p.read_text())
print(f"{n} YAML documents parse")
PY

if command -v kubectl >/dev/null 2>&1; then
    step "kubectl kustomize ops/"
    rendered="$(mktemp)"
    trap 'rm -f "$rendered"' EXIT
    kubectl kustomize "$ops" > "$rendered"
    echo "$(grep -c '^kind:' "$rendered") objects rendered"
    if kubectl cluster-info --request-timeout=3s >/dev/null 2>&1; then
        step "kubectl apply --dry-run=server"
        kubectl apply --dry-run=server -f "$rendered"
    else
        echo "no cluster reachable: server-side dry run skipped"
    fi
else
    step "no kubectl: render and dry run skipped"
fi

step "settings, probes and CLI options in the manifests"
python3 "$ops/check-settings.py" k8s "$ops"/k8s/*.yaml

step "metric names in the dashboard and alert rules"
python3 "$ops/check-metrics.py" check

step "create-topics.sh against Topics.java and TopicSettings.java"
plan="$(DRY_RUN=1 PARTITIONS=6 bash "$ops/create-topics.sh")"
python3 - "$root" "$plan" <<'PY'
import pathlib, re, sys
root = pathlib.Path(sys.argv[1])
src = root / "src/main/java/io/simstream/topics"
lines = sys.argv[2].splitlines()
created = {}
for line in lines:
    topic = re.search(r"--topic (\S+)", line).group(1)
    parts = int(re.search(r"--partitions (\d+)", line).group(1))
    configs = dict(c.split("=", 1) for c in re.findall(r"--config (\S+)", line))
    created[topic] = (parts, configs)
# The default names are the defaults of the topic.* settings (config/TopicSettings.java).
config = root / "src/main/java/io/simstream/config"
defaults = dict(re.findall(r'ConfigField (\w+)\s*=\s*name\(\s*"[^"]+",\s*"([^"]+)"',
                           (config / "TopicSettings.java").read_text()))
args = re.search(r'DEFAULT = new TopicNames\((.*?)\);', (src / "TopicNames.java").read_text(), re.S).group(1)
expected = [defaults[f] for f in re.findall(r'TopicSettings\.(\w+)\.defaultValue\(\)', args)]
pairs, decisions, models, dlq, labels, label_dlq, events, lock = expected
# Derived names (TopicNames.modelHistory, TopicNames.decisionsShadow).
names_java = (src / "TopicNames.java").read_text()
history_suffix = re.search(r'return models \+ "([^"]+)"', names_java).group(1)
shadow_suffix = re.search(r'return decisions \+ "([^"]+)"', names_java).group(1)
expected += [models + history_suffix, decisions + shadow_suffix]
problems = [f"not created: {t}" for t in expected if t not in created]
problems += [f"created but not in the code: {t}" for t in created if t not in expected]
if not (created[pairs][0] == created[decisions][0] == created[decisions + shadow_suffix][0] == created[labels][0] == 6):
    problems.append("pairs, decisions, decisions-shadow and labeled-pairs must all get PARTITIONS partitions")
for t in (models, dlq, label_dlq, events, lock):
    if created[t][0] != 1:
        problems.append(f"{t} must have 1 partition (as in the code)")
topics = (src / "Topics.java").read_text()
size = re.search(r"MODEL_MAX_MESSAGE_BYTES\s*=\s*([0-9 *]+);", topics).group(1)
want = {"cleanup.policy": "compact", "max.message.bytes": str(eval(size, {"__builtins__": {}})),
        "min.compaction.lag.ms": "0"}
for k, v in want.items():
    if f'"{k}"' not in topics:
        problems.append(f"Topics.java no longer sets {k} on the models topic: update create-topics.sh")
if created[models][1] != want:
    problems.append(f"models topic configs {created[models][1]} != {want}")
history_want = {"cleanup.policy": "delete", "retention.ms": "-1", "retention.bytes": "-1",
                "max.message.bytes": want["max.message.bytes"]}
if created.get(models + history_suffix, (0, {}))[1] != history_want:
    problems.append(f"{models + history_suffix} configs != {history_want}")
for t in expected:
    if t not in (models, models + history_suffix) and created[t][1]:
        problems.append(f"{t} gets configs {created[t][1]} the code does not set")
for p in problems:
    print(p)
if problems:
    sys.exit(1)
print(f"{len(created)} topics match the code; models: {want}")
PY

if command -v promtool >/dev/null 2>&1; then
    step "promtool"
    promtool check rules "$ops/prometheus/alerts.yml"
fi
if command -v shellcheck >/dev/null 2>&1; then
    step "shellcheck"
    shellcheck "$ops/create-topics.sh" "$ops/validate.sh"
fi
step "ops/ ok"
