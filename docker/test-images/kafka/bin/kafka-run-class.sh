#!/bin/bash
# kafka-run-class.sh CLASS [ARGS...]: runs one of Kafka's command-line tools with the image's jars,
# like the script of the same name in Kafka's distribution (which is not on Maven).
set -euo pipefail
KAFKA_HOME=/opt/kafka
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
class="${1:?usage: kafka-run-class.sh CLASS [ARGS...]}"
shift
# shellcheck disable=SC2086 # KAFKA_OPTS may hold several JVM flags
exec "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC ${KAFKA_OPTS:-} \
    -Dlog4j2.configurationFile="$KAFKA_HOME/config/tools-log4j2.xml" -cp "$KAFKA_HOME/libs/*" "$class" "$@"
