#!/usr/bin/env bash
# Validates docker/ without starting anything:
#   1. `docker compose config -q` (or the standalone docker-compose) when one is installed;
#   2. always: YAML parse and static checks (ops/check-settings.py compose): every service has
#      an image or a build with a Dockerfile, depends_on targets exist, mounted files exist,
#      SIMSTREAM_* variables are settings that serve/retrain declare, healthchecks probe the
#      metrics port, CLI options exist in the command classes;
#   3. when COMPOSE_SPEC_SCHEMA names the compose-spec JSON schema (schema/compose-spec.json of
#      the compose-spec repository) and python3 has jsonschema: validation against it;
#   4. the scripts the compose file runs pass shellcheck, when shellcheck is installed.
# Needs python3 with PyYAML. Exit status non-zero on the first failing step.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
compose_file="$here/docker-compose.yml"

step() { printf '== %s\n' "$*"; }

if docker compose version >/dev/null 2>&1; then
    step "docker compose config"
    (cd "$here" && docker compose -f "$compose_file" --profile monitoring config -q)
elif command -v docker-compose >/dev/null 2>&1; then
    step "docker-compose config ($(docker-compose version --short 2>/dev/null || echo standalone))"
    (cd "$here" && docker-compose -f "$compose_file" --profile monitoring config -q)
else
    step "no docker compose here: static checks only"
fi

step "YAML parse and settings/static checks"
python3 "$root/ops/check-settings.py" compose "$compose_file"

if [[ -n "${COMPOSE_SPEC_SCHEMA:-}" ]]; then
    step "compose-spec JSON schema ($COMPOSE_SPEC_SCHEMA)"
    python3 - "$COMPOSE_SPEC_SCHEMA" "$compose_file" <<'PY'
import json, sys
import jsonschema, yaml
schema = json.load(open(sys.argv[1]))
doc = yaml.safe_load(open(sys.argv[2]))
errors = list(jsonschema.Draft7Validator(schema).iter_errors(doc))
for e in errors:
    print("/".join(map(str, e.path)), e.message)
sys.exit(1 if errors else 0)
PY
fi

if command -v shellcheck >/dev/null 2>&1; then
    step "shellcheck"
    shellcheck "$here/bootstrap-model.sh" "$here/validate.sh" "$root/ops/create-topics.sh"
fi
step "docker/ ok"
