#!/usr/bin/env python3
"""Checks that deployment files only use settings the code declares.

The declared settings are read from the Java sources: ClusterConfig's and TopicSettings' fields (every command) plus
ScoringConfig.OWN_FIELDS (serve) or RetrainConfig.OWN_FIELDS (retrain), each a ConfigField with a name; its environment variable is
SIMSTREAM_ + the upper-cased name with '.' and '-' as '_'. Undeclared keys are not errors in the
code (they go to the Kafka clients), which is exactly why a typo would pass silently there; so
here only kafka.* / SIMSTREAM_KAFKA_* and registry.* / SIMSTREAM_REGISTRY_* pass-through keys
are accepted besides the declared ones.

  ops/check-settings.py list serve|retrain
  ops/check-settings.py compose docker/docker-compose.yml
  ops/check-settings.py k8s FILE...          # Deployments' env and the ConfigMap's properties
Exit status 1 on a problem.
"""
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "src" / "main" / "java" / "io" / "simstream" / "config"
CLI_DIR = ROOT / "src" / "main" / "java" / "io" / "simstream" / "cli"

# A field is made by a ConfigField factory or by its constructor (fields with their own validator).
FIELD = re.compile(r'public static final ConfigField (\w+)\s*=\s*(?:ConfigField\.\w+|new ConfigField)\(\s*"([^"]+)"')
FIELDS_LIST = re.compile(r'OWN_FIELDS\s*=\s*List\.of\((.*?)\);', re.S)
# Every field ClusterConfig declares (constants and the schema.registry.ssl.* list alike).
ANY_FIELD = re.compile(r'(?:ConfigField\.\w+|new ConfigField)\(\s*"([^"]+)"')


def constants():
    out = {}
    for cls in ("ScoringConfig", "RetrainConfig"):
        text = (CONFIG_DIR / f"{cls}.java").read_text(encoding="utf-8")
        for const, name in FIELD.findall(text):
            out[f"{cls}.{const}"] = name
    return out


# TopicSettings declares the topic names with its own factory, name("topic.x", ...).
TOPIC_FIELD = re.compile(r'(?:ConfigField\.\w+|new ConfigField|\bname)\(\s*"(topic\.[^"]+)"')


def cluster_fields():
    """Every command's settings: the connection (ClusterConfig) and the topic names (TopicSettings)."""
    names = set(ANY_FIELD.findall((CONFIG_DIR / "ClusterConfig.java").read_text(encoding="utf-8")))
    return names | set(TOPIC_FIELD.findall((CONFIG_DIR / "TopicSettings.java").read_text(encoding="utf-8")))


def declared(role):
    """Setting names of 'serve' (ClusterConfig + ScoringConfig) or 'retrain' (ClusterConfig + RetrainConfig)."""
    cls = {"serve": "ScoringConfig", "retrain": "RetrainConfig"}[role]
    consts = constants()
    text = (CONFIG_DIR / f"{cls}.java").read_text(encoding="utf-8")
    m = FIELDS_LIST.search(text)
    if not m:
        raise SystemExit(f"cannot find OWN_FIELDS in {cls}.java")
    names = cluster_fields()
    for token in re.split(r'[\s,]+', m.group(1).strip()):
        if not token:
            continue
        key = token if "." in token else f"{cls}.{token}"
        if key not in consts:
            raise SystemExit(f"{cls}.FIELDS names {token}, which is not a ConfigField constant")
        names.add(consts[key])
    return names


def env_name(key):
    return "SIMSTREAM_" + key.upper().replace(".", "_").replace("-", "_")


def check_env(role, env, where):
    """env: dict of environment variables given to a `role` process."""
    allowed = {env_name(n): n for n in declared(role)}
    problems = []
    for k in env:
        if not k.startswith("SIMSTREAM_"):
            continue
        if k in allowed or k.startswith("SIMSTREAM_KAFKA_") or k.startswith("SIMSTREAM_REGISTRY_"):
            continue
        problems.append(f"{where}: {k} is not a declared '{role}' setting (it would go to the Kafka clients"
                        f" as '{k[len('SIMSTREAM_'):].lower().replace('_', '.')}')")
    return problems


def check_properties(role, text, where):
    names = declared(role)
    problems = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("!"):
            continue
        key = re.split(r'\s*[=:]\s*|\s+', line, maxsplit=1)[0]
        if key in names or key.startswith("kafka.") or key.startswith("registry."):
            continue
        problems.append(f"{where}: '{key}' is not a declared '{role}' setting")
    return problems


def role_of(args):
    for a in args or []:
        if a in ("serve", "retrain", "produce", "publish", "train", "generate"):
            return a
    return None


def cli_options(command):
    """Long options a picocli command class declares, or None if there is no such command."""
    candidates = [p for p in CLI_DIR.glob("*.java")
                  if re.search(r'@Command\(\s*name\s*=\s*"' + re.escape(command) + '"',
                               p.read_text(encoding="utf-8"))]
    if not candidates:
        return None
    opts = set()
    # Options of @Mixin classes (ServiceOptions, TopicOptions and the mixins they hold) belong to
    # the command too.
    for p in candidates:
        for mixin in re.findall(r'@Mixin\s+(\w+)', p.read_text(encoding="utf-8")):
            if (CLI_DIR / f"{mixin}.java").exists() and CLI_DIR / f"{mixin}.java" not in candidates:
                candidates.append(CLI_DIR / f"{mixin}.java")
    for p in candidates:
        for group in re.findall(r'names\s*=\s*(\{[^}]*\}|"[^"]*")', p.read_text(encoding="utf-8")):
            opts.update(re.findall(r'"(--[\w-]+)"', group))
    return opts | {"--help", "--version"}


def check_cli(args, where, warnings):
    command = role_of(args)
    if command is None:
        return []
    opts = cli_options(command)
    if opts is None:
        warnings.append(f"{where}: there is no '{command}' command in the CLI yet")
        return []
    return [f"{where}: '{command}' has no option {a}" for a in args
            if isinstance(a, str) and a.startswith("--") and a.split("=", 1)[0] not in opts]


def compose(path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems, warnings = [], []
    services = doc.get("services") or {}
    if not services:
        problems.append(f"{path}: no services")
    for name, svc in services.items():
        where = f"{path.name}: service {name}"
        if "image" not in svc and "build" not in svc:
            problems.append(f"{where}: neither image nor build")
        build = svc.get("build")
        if isinstance(build, dict):
            ctx = (path.parent / build.get("context", ".")).resolve()
            if not (ctx / build.get("dockerfile", "Dockerfile")).is_file():
                problems.append(f"{where}: no Dockerfile at {ctx / build.get('dockerfile', 'Dockerfile')}")
        for dep in (svc.get("depends_on") or {}):
            if dep not in services:
                problems.append(f"{where}: depends on unknown service {dep}")
        for vol in svc.get("volumes") or []:
            src = vol.split(":", 1)[0] if isinstance(vol, str) else vol.get("source", "")
            if src.startswith(".") and not (path.parent / src).exists():
                problems.append(f"{where}: mounts {src}, which does not exist")
        command = svc.get("command")
        args = command if isinstance(command, list) else (command.split() if command else [])
        role = role_of(args)
        env = svc.get("environment") or {}
        if isinstance(env, list):
            env = dict(e.split("=", 1) if "=" in e else (e, "") for e in env)
        if role in ("serve", "retrain"):
            problems += check_env(role, env, where)
            port = str(env.get("SIMSTREAM_METRICS_PORT", "9464" if role == "serve" else "9465"))
            test = " ".join(map(str, (svc.get("healthcheck") or {}).get("test", [])))
            if f"/{port}" not in test and f":{port}" not in test:
                problems.append(f"{where}: healthcheck does not probe the metrics port {port}")
        problems += check_cli(args, where, warnings)
    return problems, warnings


def k8s(paths):
    problems, warnings = [], []
    for path in paths:
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not doc:
                continue
            kind = doc.get("kind")
            where = f"{path.name}: {kind} {doc.get('metadata', {}).get('name') or doc.get('metadata', {}).get('generateName')}"
            if kind == "ConfigMap" and doc.get("metadata", {}).get("name") == "simstream-config":
                data = doc.get("data") or {}
                problems += check_properties("serve", data.get("serve.properties", ""), where + " serve.properties")
                problems += check_properties("retrain", data.get("retrain.properties", ""), where + " retrain.properties")
            spec = doc.get("spec", {}).get("template", {}).get("spec", {}) if kind in ("Deployment", "Job") else {}
            for c in spec.get("initContainers", []) + spec.get("containers", []):
                args = c.get("args") or []
                role = role_of(args)
                env = {e["name"]: e.get("value") for e in c.get("env") or []}
                if role in ("serve", "retrain"):
                    problems += check_env(role, env, f"{where} container {c['name']}")
                    port = 9464 if role == "serve" else 9465
                    ports = {p.get("containerPort") for p in c.get("ports") or []}
                    if port not in ports:
                        problems.append(f"{where}: container {c['name']} does not expose {port}")
                    for probe in ("livenessProbe", "readinessProbe"):
                        if probe not in c:
                            problems.append(f"{where}: container {c['name']} has no {probe}")
                problems += check_cli(args, f"{where} container {c['name']}", warnings)
    return problems, warnings


def main(argv):
    if len(argv) == 3 and argv[1] == "list":
        for n in sorted(declared(argv[2])):
            print(f"{n}\t{env_name(n)}")
        return 0
    if len(argv) >= 3 and argv[1] in ("compose", "k8s"):
        paths = [pathlib.Path(a) for a in argv[2:]]
        problems, warnings = compose(paths[0]) if argv[1] == "compose" else k8s(paths)
        for w in warnings:
            print("warning: " + w)
        for p in problems:
            print(p)
        print("settings ok" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
