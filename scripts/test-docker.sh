#!/usr/bin/env bash
# A private Docker engine for the Testcontainers tests, and the images they run, built here from
# the project's own files (nothing is ever pulled from a registry).
#
#   scripts/test-docker.sh start     install Debian's docker.io, docker-compose and debootstrap with
#                                    apt if missing, start dockerd as root (or reuse the one running)
#   scripts/test-docker.sh images    build the test images that are missing or out of date
#   scripts/test-docker.sh stop      remove the test containers and stop that dockerd
#   scripts/test-docker.sh status    say whether it runs and which test images it holds
#   scripts/test-docker.sh env       print the DOCKER_HOST line to use it from a shell
#   scripts/test-docker.sh prepare STATUS_FILE   (the build) start + images; never fails, writes
#                                    status=ready or status=unavailable with the reason
#   scripts/test-docker.sh finish    (the build) stop dockerd if a build started it
#                                    and no other build still uses it
#
# Everything the engine keeps (images, containers, its socket, pid file and log) lives in
# SIMSTREAM_DOCKER_DIR (default: ~/.cache/simstream/docker), apart from the machine's own
# /var/lib/docker, so it neither needs nor disturbs a system engine. Images stay there between
# runs: a second run only starts dockerd (~5 s).
#
# Images (the tests refer to these names):
#   simstream-test/debian-jre17:bookworm  debootstrap --variant=minbase + openjdk-17-jre-headless,
#                                          from the mirror this machine's apt uses (~70 s, once)
#   simstream-test/kafka:4.3.1            Kafka's own jars from Maven, KRaft, KAFKA_* settings as env
#   simstream-test/apicurio-registry:3.3.3  the Apicurio archive the build unpacks into target/apicurio,
#                                          with a Java 21+ runtime found under /usr/lib/jvm or JAVA_HOME
#                                          (a copy of that JDK, not a newer Debian suite)
#   simstream-test/simstream-scorer:local  docker/Dockerfile, target scorer (serve), and
#   simstream-test/simstream:local         target full (train, retrain, produce, ...), both with
#                                          RUNTIME_IMAGE = the base above and JARS=prebuilt: the jars
#                                          `mvn package` left in target/ (run it first by hand)
#
# Each image carries a label with a digest of what it was built from; an image whose digest
# matches is kept, so a second run rebuilds nothing (the simstream images: when src/main, schemas,
# pom.xml or docker/ changed).
#
# Environment: SIMSTREAM_DOCKER_DIR, MVN (the Maven command for the Kafka jars; default mvn;
# MVN_OFFLINE=true or offline=true adds -o), JAVA21_HOME (the Java 21+ to put into the registry image; default: found).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${SIMSTREAM_DOCKER_DIR:-${HOME:?HOME is not set}/.cache/simstream/docker}"
SOCK="$DIR/docker.sock"
PIDFILE="$DIR/dockerd.pid"
LOG="$DIR/dockerd.log"
# Set while a dockerd runs that a build started (and so a build may stop); one lease file per
# build (named by its Maven process id) that uses it: the last build out stops it.
BUILD_STARTED="$DIR/started-by-build"
LEASES="$DIR/leases"
export DOCKER_HOST="unix://$SOCK"
# The classic builder: it needs no buildx plugin and works with any client against this engine.
export DOCKER_BUILDKIT=0

BASE_IMAGE="simstream-test/debian-jre17:bookworm"
KAFKA_VERSION="4.3.1"
KAFKA_IMAGE="simstream-test/kafka:$KAFKA_VERSION"
APICURIO_VERSION="3.3.3"
APICURIO_IMAGE="simstream-test/apicurio-registry:$APICURIO_VERSION"
SCORER_IMAGE="simstream-test/simstream-scorer:local"
FULL_IMAGE="simstream-test/simstream:local"
IMAGES_SRC="$ROOT/docker/test-images"
BUILD="$ROOT/target/test-images"

log() { printf 'test-docker: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

SUDO=()
need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            SUDO=(sudo -n)
        else
            die "dockerd and apt-get need root (or password-less sudo); the container tests cannot run as $(id -un)"
        fi
    fi
}

# The Debian suite and the mirror URL this machine's apt already uses for it (no host name is
# written into the project).
suite() {
    # shellcheck disable=SC1091
    (. /etc/os-release && [ "${ID:-}" = debian ] && echo "${VERSION_CODENAME:-}") || true
}

mirror_for() {
    # shellcheck disable=SC2016 # $(...) here is apt's own field syntax, not the shell's
    apt-get indextargets --format '$(RELEASE) $(COMPONENT) $(IDENTIFIER) $(REPO_URI)' 2>/dev/null \
        | awk -v s="$1" '$1 == s && $2 == "main" && $3 == "Packages" { print $4; exit }'
}

install_packages() {
    local missing=()
    command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
    command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
    # Compose v1 (Debian's package): the compose-stack test brings docker/docker-compose.yml up with it.
    command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null 2>&1 || die "${missing[*]} missing and no apt-get to install them (Debian or Ubuntu needed)"
    need_root
    log "installing ${missing[*]} with apt-get"
    # No init system here: keep the package scripts from starting a system-wide dockerd.
    local policy=/usr/sbin/policy-rc.d added_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
        "${SUDO[@]}" chmod +x "$policy"
        added_policy=1
    fi
    local rc=0
    {
        export DEBIAN_FRONTEND=noninteractive
        "${SUDO[@]}" apt-get update -qq \
            && "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" iptables ca-certificates >/dev/null
    } || rc=$?
    [ -n "$added_policy" ] && "${SUDO[@]}" rm -f "$policy"
    [ "$rc" -eq 0 ] || die "apt-get install ${missing[*]} failed (exit $rc)"
}

dockerd_bin() { command -v dockerd 2>/dev/null || echo /usr/sbin/dockerd; }

# The client that came with this dockerd, so that client and engine speak the same API.
docker() {
    local client
    client="$(dirname "$(dockerd_bin)")/../bin/docker"
    [ -x "$client" ] || client="$(command -v docker)"
    command "$client" "$@"
}

engine_up() { [ -S "$SOCK" ] && docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

running_pid() {
    local pid
    [ -f "$PIDFILE" ] || return 1
    pid="$(cat "$PIDFILE" 2>/dev/null)" || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

cmd_start() {
    install_packages
    if engine_up; then
        log "dockerd already running at $SOCK (pid $(running_pid || echo '?')); reusing it"
        # Started by hand, it is yours: no build stops it any more.
        [ -n "${SIMSTREAM_FROM_BUILD:-}" ] || rm -f "$BUILD_STARTED"
        return 0
    fi
    rm -f "$BUILD_STARTED"
    need_root
    mkdir -p "$DIR/data" "$DIR/exec"
    # A stale pid file or socket from a killed run would stop dockerd from starting.
    running_pid >/dev/null || rm -f "$PIDFILE" "$SOCK"
    log "starting dockerd (data in $DIR, log $LOG)"
    # --ip: published ports bind to 127.0.0.1 only, never to the machine's other interfaces.
    local group_opt=()
    [ "$(id -u)" -ne 0 ] && group_opt=(--group "$(id -g)")
    "${SUDO[@]}" nohup "$(dockerd_bin)" \
        --data-root "$DIR/data" --exec-root "$DIR/exec" \
        -H "unix://$SOCK" --pidfile "$PIDFILE" "${group_opt[@]}" \
        --ip 127.0.0.1 \
        >"$LOG" 2>&1 </dev/null &
    local i
    for i in $(seq 1 60); do
        if engine_up; then
            log "dockerd $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') ready after ${i}s"
            return 0
        fi
        if ! kill -0 $! 2>/dev/null && ! running_pid >/dev/null; then
            die "dockerd exited at start: $(tail -n 3 "$LOG" | tr '\n' ' ')"
        fi
        sleep 1
    done
    die "dockerd not ready after 60 s: $(tail -n 3 "$LOG" | tr '\n' ' ')"
}

cmd_stop() {
    local pid
    if engine_up; then
        local ids
        ids="$(docker ps -aq --filter label=org.testcontainers=true)"
        if [ -n "$ids" ]; then
            log "removing test containers: $(echo "$ids" | tr '\n' ' ')"
            # shellcheck disable=SC2086
            docker rm -f $ids >/dev/null || true
        fi
    fi
    rm -rf "$BUILD_STARTED" "$LEASES"
    if pid="$(running_pid)"; then
        log "stopping dockerd (pid $pid)"
        "${SUDO[@]}" kill -TERM "$pid"
        local i
        for i in $(seq 1 30); do
            kill -0 "$pid" 2>/dev/null || { log "dockerd stopped"; return 0; }
            sleep 1
        done
        die "dockerd (pid $pid) still running after 30 s"
    fi
    log "dockerd is not running"
}

# Leases of builds whose Maven process is gone do not count.
live_leases() {
    local lease
    mkdir -p "$LEASES"
    for lease in "$LEASES"/*; do
        [ -e "$lease" ] || continue
        if kill -0 "$(basename "$lease")" 2>/dev/null; then
            basename "$lease"
        else
            rm -f "$lease"
        fi
    done
}

# --- images ------------------------------------------------------------------------------------

# A digest of everything an image is built from: an image whose label matches is up to date.
inputs_digest() { cat "$@" | sha256sum | cut -c1-16; }

image_digest() { docker image inspect --format '{{index .Config.Labels "simstream.inputs"}}' "$1" 2>/dev/null || true; }

fresh() {
    if [ "$(image_digest "$1")" = "$2" ]; then
        log "$1 is up to date"
        return 0
    fi
    return 1
}

build_base() {
    local suite_name mirror digest rootfs t0
    suite_name="$(suite)"
    [ -n "$suite_name" ] || die "the base image is built with debootstrap from this machine's Debian suite; this is not Debian"
    digest="$(printf '%s minbase openjdk-17-jre-headless v1' "$suite_name" | sha256sum | cut -c1-16)"
    fresh "$BASE_IMAGE" "$digest" && return 0
    mirror="$(mirror_for "$suite_name")"
    if [ -z "$mirror" ]; then
        need_root
        "${SUDO[@]}" apt-get update -qq || true
        mirror="$(mirror_for "$suite_name")"
    fi
    [ -n "$mirror" ] || die "no '$suite_name main' source in this machine's apt sources for debootstrap"
    need_root
    rootfs="$DIR/rootfs-$suite_name"
    "${SUDO[@]}" rm -rf "$rootfs"
    t0=$SECONDS
    log "debootstrap --variant=minbase $suite_name from $mirror (about a minute, once)"
    "${SUDO[@]}" debootstrap --variant=minbase --include=openjdk-17-jre-headless "$suite_name" "$rootfs" "$mirror" \
        >"$DIR/debootstrap.log" 2>&1 || die "debootstrap failed: $(tail -n 3 "$DIR/debootstrap.log" | tr '\n' ' ')"
    "${SUDO[@]}" rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    "${SUDO[@]}" tar -C "$rootfs" -c . | docker import \
        --change "LABEL simstream.inputs=$digest" \
        --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 LANG=C.UTF-8' \
        --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
    "${SUDO[@]}" rm -rf "$rootfs"
    log "$BASE_IMAGE built in $((SECONDS - t0)) s"
}

build_kafka() {
    local src="$IMAGES_SRC/kafka" ctx="$BUILD/kafka" digest t0
    local files=("$src/Dockerfile" "$src/run" "$src/log4j2.xml" "$src/tools-log4j2.xml" "$src/pom.xml" "$src"/bin/*)
    digest="$(inputs_digest "${files[@]}" <(image_digest "$BASE_IMAGE"))"
    fresh "$KAFKA_IMAGE" "$digest" && return 0
    t0=$SECONDS
    rm -rf "$ctx" && mkdir -p "$ctx"
    cp -r "$src/Dockerfile" "$src/run" "$src/log4j2.xml" "$src/tools-log4j2.xml" "$src/bin" "$ctx/"
    log "copying the runtime jars of kafka_2.13:$KAFKA_VERSION with maven-dependency-plugin"
    local mvn
    read -ra mvn <<<"${MVN:-mvn}"
    case "${MVN_OFFLINE:-}" in *true) mvn+=(-o) ;; esac
    "${mvn[@]}" -B -q -f "$src/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$ctx/libs" >"$BUILD/kafka-jars.log" 2>&1 \
        || die "copying the Kafka jars failed: $(tail -n 5 "$BUILD/kafka-jars.log" | tr '\n' ' ')"
    docker build -q --label "simstream.inputs=$digest" -t "$KAFKA_IMAGE" "$ctx" >/dev/null
    rm -rf "$ctx"
    log "$KAFKA_IMAGE built in $((SECONDS - t0)) s"
}

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F= '/java.specification.version/ { gsub(/ /, "", $2); print $2 }'; }

find_java21() {
    local home
    for home in "${JAVA21_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
        if [ -n "$home" ] && [ -x "$home/bin/java" ] && [ "$(java_major "$home" 2>/dev/null || echo 0)" -ge 21 ] 2>/dev/null; then
            echo "$home"
            return 0
        fi
    done
    return 1
}

# Hard links where the file system allows it (instant, no space), a copy where not.
link_tree() { cp -al "$1" "$2" 2>/dev/null || { rm -rf "$2"; cp -a "$1" "$2"; }; }

build_apicurio() {
    local src="$IMAGES_SRC/apicurio" ctx="$BUILD/apicurio" app="$ROOT/target/apicurio" java digest t0
    [ -f "$app/quarkus-run.jar" ] || die "no $app/quarkus-run.jar: the build unpacks the Apicurio archive there (mvn generate-resources)"
    java="$(find_java21)" || die "the registry image needs a Java 21+ runtime and none was found under /usr/lib/jvm or JAVA_HOME (set JAVA21_HOME)"
    digest="$(inputs_digest "$src/Dockerfile" "$java/release" "$app/quarkus-app-dependencies.txt" <(image_digest "$BASE_IMAGE"))"
    fresh "$APICURIO_IMAGE" "$digest" && return 0
    t0=$SECONDS
    rm -rf "$ctx" && mkdir -p "$ctx"
    cp "$src/Dockerfile" "$ctx/"
    link_tree "$app" "$ctx/apicurio"
    link_tree "$java" "$ctx/java"
    # Only the runtime is needed in the image.
    rm -rf "$ctx/java/jmods" "$ctx/java/lib/src.zip" "$ctx/java/include" "$ctx/java/man" "$ctx/java/demo"
    log "building $APICURIO_IMAGE with the Java runtime of $java"
    docker build -q --label "simstream.inputs=$digest" -t "$APICURIO_IMAGE" "$ctx" >/dev/null
    rm -rf "$ctx"
    log "$APICURIO_IMAGE built in $((SECONDS - t0)) s"
}

# The serve and retrain images, from the Dockerfile users build, on the local base. BuildKit (built
# into this dockerd) builds only the stages the target needs: the Maven stage, whose image would
# have to be pulled, is never started with JARS=prebuilt.
build_simstream() {
    local jar digest t0 target image
    for jar in simstream.jar simstream-scorer.jar; do
        [ -f "$ROOT/target/$jar" ] || die "no target/$jar: the simstream images are built from the packaged jars (mvn package)"
    done
    # The jars are what `mvn package` makes of these sources (jar entries carry build times, so
    # their own bytes change with every build even when nothing else did).
    digest="$(cd "$ROOT" && find pom.xml schemas src/main docker/Dockerfile docker/entrypoint.sh .dockerignore -type f \
        | LC_ALL=C sort | xargs sha256sum | cat - <(image_digest "$BASE_IMAGE") | sha256sum | cut -c1-16)"
    for target in scorer full; do
        image="$SCORER_IMAGE"
        [ "$target" = full ] && image="$FULL_IMAGE"
        fresh "$image" "$digest" && continue
        t0=$SECONDS
        log "building $image (docker/Dockerfile, target $target, on $BASE_IMAGE)"
        DOCKER_BUILDKIT=1 docker build -q -f "$ROOT/docker/Dockerfile" --target "$target" \
            --build-arg RUNTIME_IMAGE="$BASE_IMAGE" --build-arg JARS=prebuilt \
            --label "simstream.inputs=$digest" -t "$image" "$ROOT" >"$BUILD/simstream-$target.log" 2>&1 \
            || die "building $image failed: $(tail -n 5 "$BUILD/simstream-$target.log" | tr '\n' ' ')"
        log "$image built in $((SECONDS - t0)) s"
    done
}

cmd_images() {
    engine_up || die "dockerd is not running at $SOCK (scripts/test-docker.sh start)"
    mkdir -p "$BUILD"
    build_base
    build_kafka
    build_apicurio
    build_simstream
    # Images replaced by a rebuild would otherwise pile up in the data root.
    docker image prune -f >/dev/null
}

cmd_status() {
    if engine_up; then
        echo "dockerd: running (pid $(running_pid || echo '?'), $(docker version --format '{{.Server.Version}}'), socket $SOCK)"
        docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^simstream-test/' || echo "no test images yet"
    else
        echo "dockerd: not running (socket $SOCK)"
    fi
}

# The build: never fail (the container tests then skip and say why), and remember whether this
# run started dockerd, so that `finish` leaves an engine someone else started alone.
cmd_prepare() {
    local status_file="${1:?prepare needs the status file}" t0=$SECONDS reason started=false out rc=0
    mkdir -p "$(dirname "$status_file")"
    engine_up || started=true
    out="$(mktemp)"
    # Separate processes, so that `set -e` holds in them (it does not inside an `if` or `||` here).
    { SIMSTREAM_FROM_BUILD=1 bash "$0" start && bash "$0" images; } 2>&1 | tee "$out" >&2 || rc=$?
    if [ "$rc" -eq 0 ]; then
        # The parent of this script is the Maven process, the same for prepare and finish.
        [ "$started" = true ] && touch "$BUILD_STARTED"
        mkdir -p "$LEASES" && touch "$LEASES/$PPID"
        {
            echo "status=ready"
            echo "started.by.build=$started"
            echo "docker.host=$DOCKER_HOST"
            echo "api.version=$(docker version --format '{{.Server.APIVersion}}')"
            echo "seconds=$((SECONDS - t0))"
        } >"$status_file"
        log "engine and images ready in $((SECONDS - t0)) s"
    else
        reason="$(grep -v '^test-docker: \(installing\|starting\|debootstrap\|copying\|building\)' "$out" | tail -n 1 | sed 's/^test-docker: //')"
        printf 'status=unavailable\nstarted.by.build=%s\nreason=%s\n' "$started" "${reason:-see the build log}" >"$status_file"
        log "the container tests will be skipped: ${reason:-see above}"
    fi
    rm -f "$out"
}

cmd_finish() {
    local others
    rm -f "$LEASES/$PPID"
    if [ ! -e "$BUILD_STARTED" ]; then
        log "leaving dockerd as it was (no build started it)"
        return 0
    fi
    others="$(live_leases | tr '\n' ' ')"
    if [ -n "$others" ]; then
        log "leaving dockerd running: other builds still use it (Maven pids $others)"
        return 0
    fi
    cmd_stop || true
    rm -f "$BUILD_STARTED"
}

case "${1:-}" in
    start) cmd_start ;;
    images) cmd_images ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) echo "export DOCKER_HOST=$DOCKER_HOST" ;;
    prepare) cmd_prepare "${2:-}" ;;
    finish) cmd_finish ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
