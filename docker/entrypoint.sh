#!/bin/sh
# Starts simstream with the Vector API kernel when this Java runtime has the incubator module,
# and with the plain-loop kernel otherwise: a hard-coded --add-modules would keep a runtime
# without the module from starting at all. Says which one it picked (serve logs it again).
# SIMSTREAM_JAR: the jar to run (the image sets it); JAVA: the java binary (default: on PATH).
set -eu
jar="${SIMSTREAM_JAR:-/app/simstream.jar}"
java="${JAVA:-java}"
if "$java" --list-modules 2>/dev/null | grep -q '^jdk\.incubator\.vector[@ ]'; then
  echo "simstream: $(basename "$jar"), scoring kernel: Vector API (jdk.incubator.vector)" >&2
  exec "$java" --add-modules jdk.incubator.vector -jar "$jar" "$@"
fi
echo "simstream: $(basename "$jar"), scoring kernel: plain loops (this runtime has no jdk.incubator.vector)" >&2
exec "$java" -jar "$jar" "$@"
