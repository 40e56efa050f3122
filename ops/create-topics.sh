#!/usr/bin/env bash
# Creates simstream's topics, idempotently, with the partitions and configs the code declares
# (src/main/java/io/simstream/topics/Topics.java). Existing topics are
# left as they are (--if-not-exists); afterwards the script checks the two properties that
# matter and fails if they are wrong:
#   * pairs, decisions and labeled-pairs have the same partition count (the retrainer joins
#     decisions with labeled-pairs by pair id: co-partitioning, Streams refuses otherwise);
#   * models is compacted (the scoring service rebuilds its model store from it).
#
# Settings (environment):
#   BOOTSTRAP      Kafka bootstrap servers                      (default localhost:9092)
#   PARTITIONS     partitions of pairs, decisions, labeled-pairs (default 4)
#                  = the most scoring instances that can be busy at once
#   REPLICATION    replication factor; empty = broker default   (default empty)
#   TOPIC_PREFIX   prefix of every topic name                   (default empty)
#   COMMAND_CONFIG client properties file for a secured cluster (default none)
#   KAFKA_BIN      directory of kafka-topics.sh; default: PATH, then /opt/kafka/bin
#   DRY_RUN=1      print the commands instead of running them
#
# The service can also create missing topics itself (topics.create=true), but only with the
# broker's default replication; production clusters should run this script (or the
# ops/k8s/topics-job.yaml Job) and set topics.create=false.
set -euo pipefail

BOOTSTRAP="${BOOTSTRAP:-localhost:9092}"
PARTITIONS="${PARTITIONS:-4}"
REPLICATION="${REPLICATION:-}"
TOPIC_PREFIX="${TOPIC_PREFIX:-}"
COMMAND_CONFIG="${COMMAND_CONFIG:-}"
DRY_RUN="${DRY_RUN:-0}"

# Keep in step with Topics.MODEL_MAX_MESSAGE_BYTES (16 MiB).
MODEL_MAX_MESSAGE_BYTES=16777216

if ! [[ "$PARTITIONS" =~ ^[1-9][0-9]*$ ]]; then
    echo "create-topics: PARTITIONS must be a positive whole number, got '$PARTITIONS'" >&2
    exit 2
fi
if [[ -n "$REPLICATION" && ! "$REPLICATION" =~ ^[1-9][0-9]*$ ]]; then
    echo "create-topics: REPLICATION must be a positive whole number or empty, got '$REPLICATION'" >&2
    exit 2
fi

find_kafka_topics() {
    if [[ -n "${KAFKA_BIN:-}" ]]; then
        echo "$KAFKA_BIN/kafka-topics.sh"
    elif command -v kafka-topics.sh >/dev/null 2>&1; then
        command -v kafka-topics.sh
    elif [[ -x /opt/kafka/bin/kafka-topics.sh ]]; then
        echo /opt/kafka/bin/kafka-topics.sh
    elif [[ "$DRY_RUN" == "1" ]]; then
        echo kafka-topics.sh
    else
        echo "create-topics: kafka-topics.sh not found; set KAFKA_BIN to Kafka's bin directory" >&2
        return 1
    fi
}
KAFKA_TOPICS="$(find_kafka_topics)"

common=(--bootstrap-server "$BOOTSTRAP")
if [[ -n "$COMMAND_CONFIG" ]]; then
    common+=(--command-config "$COMMAND_CONFIG")
fi

run() {
    if [[ "$DRY_RUN" == "1" ]]; then
        printf '%q ' "$@"
        printf '\n'
    else
        "$@"
    fi
}

# create NAME PARTITIONS [CONFIG=VALUE ...]
create() {
    local name="$TOPIC_PREFIX$1" partitions="$2"
    shift 2
    local args=(--create --if-not-exists --topic "$name" --partitions "$partitions")
    if [[ -n "$REPLICATION" ]]; then
        args+=(--replication-factor "$REPLICATION")
    fi
    local c
    for c in "$@"; do
        args+=(--config "$c")
    done
    run "$KAFKA_TOPICS" "${common[@]}" "${args[@]}"
}

# Every topic is declared in Topics.java, named by the topic.* settings (config/TopicSettings.java).
create pairs "$PARTITIONS"
create decisions "$PARTITIONS"
# Decisions of a shadow or of the champion where a canary serves: joined with decisions by pair id.
create decisions-shadow "$PARTITIONS"
create models 1 cleanup.policy=compact "max.message.bytes=$MODEL_MAX_MESSAGE_BYTES" min.compaction.lag.ms=0
# Every model version ever published (never compacted, kept forever): models show/export/rollback.
create models-history 1 cleanup.policy=delete retention.ms=-1 retention.bytes=-1 "max.message.bytes=$MODEL_MAX_MESSAGE_BYTES"
create pairs-dlq 1
create labeled-pairs "$PARTITIONS"
create labeled-pairs-dlq 1
create model-events 1
# Exactly one partition: whoever owns it is the active retrainer.
create retrainer-lock 1

if [[ "$DRY_RUN" == "1" ]]; then
    exit 0
fi

# Checks on what is there now (including topics that existed before this run).
describe() {
    "$KAFKA_TOPICS" "${common[@]}" --describe --topic "$TOPIC_PREFIX$1"
}
partition_count() {
    describe "$1" | sed -n 's/.*PartitionCount:[[:space:]]*\([0-9][0-9]*\).*/\1/p' | head -n 1
}

status=0
pairs_n="$(partition_count pairs)"
for t in decisions decisions-shadow labeled-pairs; do
    n="$(partition_count "$t")"
    if [[ "$n" != "$pairs_n" ]]; then
        echo "create-topics: $TOPIC_PREFIX$t has $n partitions but ${TOPIC_PREFIX}pairs has $pairs_n:" \
            "pairs, decisions, decisions-shadow and labeled-pairs must have the same count (see ops/RUNBOOK.md, scale out)" >&2
        status=1
    fi
done
if [[ "$pairs_n" != "$PARTITIONS" ]]; then
    echo "create-topics: note: ${TOPIC_PREFIX}pairs already existed with $pairs_n partitions (PARTITIONS=$PARTITIONS)" >&2
fi
n="$(partition_count retrainer-lock)"
if [[ "$n" != "1" ]]; then
    echo "create-topics: ${TOPIC_PREFIX}retrainer-lock must have exactly 1 partition, has $n" >&2
    status=1
fi
if ! describe models | grep -q 'cleanup.policy=compact'; then
    echo "create-topics: ${TOPIC_PREFIX}models is not compacted (cleanup.policy=compact); fix with kafka-configs.sh --alter" >&2
    status=1
fi
if [[ "$status" == 0 ]]; then
    echo "create-topics: topics ready on $BOOTSTRAP (pairs/decisions/labeled-pairs: $pairs_n partitions)"
fi
exit "$status"
