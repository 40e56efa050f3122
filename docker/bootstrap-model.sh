#!/usr/bin/env bash
# One-shot job of docker-compose.yml: train a first model on generated data (once; the artifact
# is kept in the models volume, which doubles as the artifact store the runbook's roll-back uses)
# and publish it as version 1. Re-running it is harmless: an existing v1 on the topic is kept.
#
# Environment: BOOTSTRAP, REGISTRY_URL, MODEL_DIR (default /models), MODEL_NAME (default
# "default"), DIM, ROWS, MAX_EPOCHS, SIMSTREAM_JAR (default /app/simstream.jar, the image's).
set -euo pipefail

: "${BOOTSTRAP:?BOOTSTRAP is required}"
: "${REGISTRY_URL:?REGISTRY_URL is required}"
MODEL_DIR="${MODEL_DIR:-/models}"
MODEL_NAME="${MODEL_NAME:-default}"
DIM="${DIM:-32}"
ROWS="${ROWS:-10000}"
MAX_EPOCHS="${MAX_EPOCHS:-15}"
SIMSTREAM_JAR="${SIMSTREAM_JAR:-/app/simstream.jar}"

simstream() {
    java --add-modules jdk.incubator.vector -jar "$SIMSTREAM_JAR" "$@"
}

out="$MODEL_DIR/$MODEL_NAME-v1"
if [[ -f "$out/model.simstream" ]]; then
    echo "bootstrap-model: $out/model.simstream exists, not training again"
else
    work="$(mktemp -d)"
    echo "bootstrap-model: generating $ROWS pairs of dimension $DIM"
    simstream generate --rows "$ROWS" --dim "$DIM" --seed 1 --out "$work/train.csv"
    echo "bootstrap-model: training (at most $MAX_EPOCHS epochs)"
    simstream train --train "$work/train.csv" --out "$work/model" --max-epochs "$MAX_EPOCHS"
    mkdir -p "$out"
    cp -r "$work/model/." "$out/"
    rm -rf "$work"
fi

set +e
result="$(simstream publish --model "$out" --bootstrap "$BOOTSTRAP" --registry-url "$REGISTRY_URL" \
    --name "$MODEL_NAME" --version 1 --meta source=bootstrap 2>&1)"
rc=$?
set -e
echo "$result"
if [[ $rc -ne 0 ]]; then
    if grep -q 'is not newer than' <<<"$result"; then
        echo "bootstrap-model: model '$MODEL_NAME' already has v1 or newer on the topic; leaving it"
        exit 0
    fi
    exit "$rc"
fi
