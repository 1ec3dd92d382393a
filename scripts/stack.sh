#!/usr/bin/env bash
# Local Riel infrastructure without Docker: a single-node Apache Kafka (KRaft) broker, Redis (AOF on)
# and Apicurio Registry (a real Confluent-compatible schema registry), all on 127.0.0.1.
#
#   bash scripts/stack.sh up           start what is not running, wait until every part answers,
#                                      write .stack/env and print the settings (idempotent)
#   bash scripts/stack.sh status       report each part (exit 0 only when all three answer)
#   bash scripts/stack.sh down         stop everything `up` started and WIPE Kafka/Redis/registry data,
#                                      so the next `up` starts from an empty stack (safe to call twice)
#   bash scripts/stack.sh down --keep  stop, but keep the data for the next `up`
#   bash scripts/stack.sh env          print the settings of the running stack (.stack/env)
#   bash scripts/stack.sh restart PART [--kill]
#                                      stop one part (kafka, redis or registry; --kill: SIGKILL, as a
#                                      crash) and start it again on the same port with its data kept
#                                      (the fault run restarts Kafka and Redis under load)
#
# What it needs and fetches (once; later runs reuse the cache):
#   - Java 17+ and Maven (apt-installed when missing);
#   - Apache Kafka jars from Maven Central (scripts/stack/kafka-pom.xml);
#   - Apicurio Registry from Maven Central, made runnable by a Quarkus build (scripts/stack/apicurio/);
#   - Debian's redis-server (apt-installed when missing).
# Cache: ${RIEL_CACHE_DIR:-$HOME/.cache/riel} (jars, the built registry, its Maven repository).
# Data, logs, pid files: .stack/ in the repository (gitignored). Logs: .stack/logs/<part>.log.
#
# Settings (environment, all optional):
#   RIEL_KAFKA_PORT (19092)  RIEL_KAFKA_CONTROLLER_PORT (19093)  RIEL_REDIS_PORT (16379)
#   RIEL_SCHEMA_REGISTRY_PORT (18081)  RIEL_STACK_TIMEOUT (seconds to wait for each part, 180)
#   RIEL_CACHE_DIR  RIEL_STACK_DIR (.stack)  RIEL_KAFKA_HEAP ("-Xmx768m -Xms256m")
#   RIEL_REGISTRY_HEAP ("-Xmx384m")
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$ROOT/scripts/stack"
STACK_DIR="${RIEL_STACK_DIR:-$ROOT/.stack}"
CACHE_DIR="${RIEL_CACHE_DIR:-${HOME:-/root}/.cache/riel}"
HOST=127.0.0.1
KAFKA_PORT="${RIEL_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${RIEL_KAFKA_CONTROLLER_PORT:-19093}"
REDIS_PORT="${RIEL_REDIS_PORT:-16379}"
REGISTRY_PORT="${RIEL_SCHEMA_REGISTRY_PORT:-18081}"
TIMEOUT="${RIEL_STACK_TIMEOUT:-180}"
KAFKA_HEAP="${RIEL_KAFKA_HEAP:--Xmx768m -Xms256m}"
REGISTRY_HEAP="${RIEL_REGISTRY_HEAP:--Xmx384m}"
REGISTRY_PATH=/apis/ccompat/v7

LOG_DIR="$STACK_DIR/logs"
RUN_DIR="$STACK_DIR/run"
ENV_FILE="$STACK_DIR/env"
MVN_SETTINGS="$HERE/maven-settings.xml"
M2_REPO="$CACHE_DIR/m2"
PARTS=(kafka redis registry)

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

log_of() { echo "$LOG_DIR/$1.log"; }

# the port a part was started with (recorded at start), else the configured one
port_of() {
  local f="$RUN_DIR/$1.port"
  if [[ -f $f ]]; then cat "$f"; return; fi
  case $1 in
    kafka) echo "$KAFKA_PORT" ;;
    redis) echo "$REDIS_PORT" ;;
    registry) echo "$REGISTRY_PORT" ;;
  esac
}

# a string the part's command line must contain (guards against a recycled pid)
marker_of() {
  case $1 in
    kafka) echo "kafka.Kafka" ;;
    redis) echo "redis-server" ;;
    registry) echo "riel-apicurio-registry" ;;
  esac
}

pid_of() {
  local f="$RUN_DIR/$1.pid" pid
  [[ -f $f ]] || return 1
  pid="$(cat "$f")"
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(marker_of "$1")" || return 1
  echo "$pid"
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

need_root_cmd() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else die "need root to run: $* (install it by hand, or run as root)"; fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "missing $*, and no apt-get here to install it: install $* by hand"
  log "installing Debian package(s): $* ..."
  # keep the packages' init scripts from starting their own service (e.g. a redis on 6379)
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy && $(id -u) -eq 0 ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
  fi
  local rc=0
  if ! need_root_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >"$LOG_DIR/apt.log" 2>&1; then
    if [[ $APT_UPDATED -eq 0 ]]; then
      need_root_cmd apt-get update -q >>"$LOG_DIR/apt.log" 2>&1 || true
      APT_UPDATED=1
    fi
    need_root_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$LOG_DIR/apt.log" 2>&1 || rc=$?
  fi
  [[ $made_policy -eq 1 ]] && rm -f "$policy"
  [[ $rc -eq 0 ]] || die "apt-get install $* failed; see $LOG_DIR/apt.log"
}

ensure_tools() {
  if ! command -v java >/dev/null 2>&1; then apt_install openjdk-17-jre-headless; fi
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1)"
  [[ ${major:-0} -ge 17 ]] || die "Java 17+ is needed (found java.specification.version=${major:-?})"
  if ! command -v mvn >/dev/null 2>&1; then apt_install maven; fi
  if ! command -v redis-server >/dev/null 2>&1; then apt_install redis-server; fi
  command -v redis-server >/dev/null 2>&1 || die "redis-server is still missing after apt-get install"
}

key_of() { cat "$@" | sha256sum | cut -c1-12; }

# Apache Kafka jars -> $CACHE_DIR/kafka-<key>/libs (the key changes with the pom)
KAFKA_DIR="$CACHE_DIR/kafka-$(key_of "$HERE/kafka-pom.xml")"
KAFKA_LIBS="$KAFKA_DIR/libs"
fetch_kafka() {
  local dir="$KAFKA_DIR"
  [[ -f $dir/.complete ]] && return 0
  log "fetching Apache Kafka jars from Maven Central into $dir (first run only) ..."
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$HERE/kafka-pom.xml" "$dir/pom.xml"
  if ! (cd "$dir" && mvn -B -q -s "$MVN_SETTINGS" -Dmaven.repo.local="$M2_REPO" \
      dependency:copy-dependencies -DoutputDirectory="$dir/libs.tmp" -DincludeScope=runtime) \
      >"$LOG_DIR/fetch-kafka.log" 2>&1; then
    die "fetching the Kafka jars failed; see $LOG_DIR/fetch-kafka.log"
  fi
  mv "$dir/libs.tmp" "$dir/libs"
  touch "$dir/.complete"
}

# Apicurio Registry, built into a runnable Quarkus jar -> $CACHE_DIR/apicurio-<key>/build/target
fetch_registry() {
  local src="$HERE/apicurio" dir
  dir="$CACHE_DIR/apicurio-$(key_of "$src/pom.xml" "$src/src/main/resources/application.properties")"
  REGISTRY_JAR="$dir/build/target/riel-apicurio-registry-1-runner.jar"
  [[ -f $dir/.complete && -f $REGISTRY_JAR ]] && return 0
  log "building Apicurio Registry from its Maven Central jars into $dir (first run only, a few minutes) ..."
  rm -rf "$dir" && mkdir -p "$dir/build"
  cp -r "$src/pom.xml" "$src/src" "$dir/build/"
  if ! (cd "$dir/build" && mvn -B -s "$MVN_SETTINGS" -Dmaven.repo.local="$M2_REPO" \
      -DskipTests -Dquarkus.analytics.disabled=true package) >"$LOG_DIR/fetch-registry.log" 2>&1; then
    die "building the schema registry failed; see $LOG_DIR/fetch-registry.log"
  fi
  [[ -f $REGISTRY_JAR ]] || die "the registry build made no $REGISTRY_JAR; see $LOG_DIR/fetch-registry.log"
  touch "$dir/.complete"
}

rotate_log() { local f; f="$(log_of "$1")"; [[ -f $f ]] && mv -f "$f" "$f.1"; return 0; }

# start "$part" "$port" cmd... : run in its own session, detached; record pid and port
spawn() {
  local part=$1 port=$2; shift 2
  rotate_log "$part"
  # 9>&- : do not hand the lock (fd 9) down to the long-running process
  setsid nohup "$@" >>"$(log_of "$part")" 2>&1 </dev/null 9>&- &
  local pid=$! i
  echo "$pid" >"$RUN_DIR/$part.pid"
  echo "$port" >"$RUN_DIR/$part.port"
  # Until the forked shell has exec'd, its command line is this script's, and pid_of would call the
  # part dead: wait (at most 5 s) for the exec before anyone looks.
  for (( i = 0; i < 50; i++ )); do
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(marker_of "$part")" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
}

check_port_free() {
  local part=$1 port=$2
  if port_open "$port"; then
    die "$part: port $HOST:$port is already taken by another process (not one this script started). Free it or pick another port with the RIEL_*_PORT variables (see the head of scripts/stack.sh)."
  fi
}

start_kafka() {
  local dir="$STACK_DIR/kafka" conf
  conf="$dir/server.properties"
  mkdir -p "$dir/data"
  check_port_free kafka "$KAFKA_PORT"
  check_port_free "kafka controller" "$KAFKA_CONTROLLER_PORT"
  cat >"$conf" <<EOF
# written by scripts/stack.sh: single-node KRaft broker for local development and tests
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=3
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
  if [[ ! -f $dir/data/meta.properties ]]; then
    local cluster_id
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    rotate_log kafka
    if ! java -Dlog4j.configuration="file:$HERE/tools-log4j.properties" -cp "$KAFKA_LIBS/*" \
        kafka.tools.StorageTool format -t "$cluster_id" -c "$conf" >>"$(log_of kafka)" 2>&1; then
      die "kafka: formatting the storage in $dir/data failed; see $(log_of kafka)"
    fi
    mv -f "$(log_of kafka)" "$LOG_DIR/kafka-format.log"
  fi
  # shellcheck disable=SC2086 # the heap settings are several words on purpose
  spawn kafka "$KAFKA_PORT" java $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$HERE/kafka-log4j.properties" -Dkafka.logs.dir="$LOG_DIR" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$conf"
}

start_redis() {
  local dir="$STACK_DIR/redis"
  mkdir -p "$dir/data"
  check_port_free redis "$REDIS_PORT"
  cat >"$dir/redis.conf" <<EOF
# written by scripts/stack.sh
bind $HOST
port $REDIS_PORT
protected-mode yes
daemonize no
dir $dir/data
appendonly yes
appendfsync always
save ""
logfile ""
EOF
  spawn redis "$REDIS_PORT" redis-server "$dir/redis.conf"
}

start_registry() {
  local dir="$STACK_DIR/registry"
  mkdir -p "$dir"
  check_port_free registry "$REGISTRY_PORT"
  # shellcheck disable=SC2086
  spawn registry "$REGISTRY_PORT" env REGISTRY_DATASOURCE_URL="jdbc:h2:file:$dir/db" \
    java $REGISTRY_HEAP -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dquarkus.http.host="$HOST" -Dquarkus.http.port="$REGISTRY_PORT" \
    -jar "$REGISTRY_JAR"
}

# --- health checks: each answers "is it serving", with a bounded time ---

kafka_healthy() {
  local port; port="$(port_of kafka)"
  port_open "$port" || return 1
  [[ -f $KAFKA_DIR/.complete ]] || return 1
  # a real metadata round trip (ApiVersions to every broker in the cluster metadata)
  timeout 40 java -Xmx128m -XX:TieredStopAtLevel=1 -Dlog4j.configuration="file:$HERE/tools-log4j.properties" \
    -cp "$KAFKA_LIBS/*" kafka.admin.BrokerApiVersionsCommand --bootstrap-server "$HOST:$port" 2>/dev/null \
    | grep -q "$HOST:$port"
}

redis_healthy() {
  local port reply; port="$(port_of redis)"
  reply="$(timeout 3 bash -c "exec 3<>/dev/tcp/$HOST/$port; printf 'PING\r\n' >&3; IFS= read -r line <&3; printf '%s' \"\$line\"" 2>/dev/null)" || return 1
  [[ $reply == +PONG* ]]
}

http_get_ok() {
  if command -v curl >/dev/null 2>&1; then
    curl -sf -o /dev/null --max-time 5 "$1"
  else
    timeout 6 node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$1"
  fi
}

registry_healthy() {
  http_get_ok "http://$HOST:$(port_of registry)$REGISTRY_PATH/subjects"
}

healthy() { "${1}_healthy"; }

wait_for() {
  local part=$1 deadline=$(( SECONDS + TIMEOUT ))
  while :; do
    if ! pid_of "$part" >/dev/null; then
      tail -n 25 "$(log_of "$part")" >&2 2>/dev/null || true
      die "$part exited while starting; its log is $(log_of "$part")"
    fi
    # cheap check first, so the Kafka JVM-based check runs only once the port is open
    if port_open "$(port_of "$part")" && healthy "$part"; then return 0; fi
    if (( SECONDS >= deadline )); then
      tail -n 25 "$(log_of "$part")" >&2 2>/dev/null || true
      die "$part did not answer on $HOST:$(port_of "$part") within ${TIMEOUT}s; its log is $(log_of "$part")"
    fi
    sleep 1
  done
}

settings() {
  cat <<EOF
KAFKA_BROKERS=$HOST:$(port_of kafka)
REDIS_URL=redis://$HOST:$(port_of redis)
SCHEMA_REGISTRY_URL=http://$HOST:$(port_of registry)$REGISTRY_PATH
EOF
}

write_env() {
  {
    echo "# Written by scripts/stack.sh up: settings of the running local stack (removed by down)."
    settings
  } >"$ENV_FILE.tmp"
  mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

lock() {
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  exec 9>"$RUN_DIR/lock"
  if ! flock -w 900 9; then die "another scripts/stack.sh is still running (lock $RUN_DIR/lock)"; fi
}

# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------

cmd_up() {
  lock
  local t0=$SECONDS part missing=()
  for part in "${PARTS[@]}"; do
    if pid_of "$part" >/dev/null; then
      local want; want="$(case $part in kafka) echo "$KAFKA_PORT";; redis) echo "$REDIS_PORT";; registry) echo "$REGISTRY_PORT";; esac)"
      [[ $(port_of "$part") == "$want" ]] || log "note: $part already runs on port $(port_of "$part") (not $want); run down first to change it"
    else
      rm -f "$RUN_DIR/$part.pid" "$RUN_DIR/$part.port"
      missing+=("$part")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "already running"
  else
    log "starting: ${missing[*]}"
    ensure_tools
    mkdir -p "$CACHE_DIR"
    for part in "${missing[@]}"; do
      case $part in
        kafka) fetch_kafka ;;
        registry) fetch_registry ;;
      esac
    done
    for part in "${missing[@]}"; do "start_$part"; done
  fi
  for part in "${PARTS[@]}"; do wait_for "$part"; done
  write_env
  log "up in $(( SECONDS - t0 ))s; settings in $ENV_FILE (logs in $LOG_DIR):"
  settings
}

cmd_status() {
  local part pid rc=0
  for part in "${PARTS[@]}"; do
    if pid="$(pid_of "$part")"; then
      if healthy "$part"; then
        printf '%-9s up      pid %-7s %s:%s  log %s\n' "$part" "$pid" "$HOST" "$(port_of "$part")" "$(log_of "$part")"
      else
        printf '%-9s NOT ANSWERING  pid %-7s %s:%s  log %s\n' "$part" "$pid" "$HOST" "$(port_of "$part")" "$(log_of "$part")"
        rc=3
      fi
    else
      printf '%-9s down\n' "$part"
      rc=3
    fi
  done
  if [[ $rc -eq 0 && -f $ENV_FILE ]]; then echo; grep -v '^#' "$ENV_FILE"; fi
  return $rc
}

stop_part() {
  local part=$1 pid i
  if pid="$(pid_of "$part")"; then
    log "stopping $part (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for (( i = 0; i < 60; i++ )); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$part did not stop in 30s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$RUN_DIR/$part.pid" "$RUN_DIR/$part.port"
}

cmd_down() {
  local keep=0 arg
  for arg in "$@"; do
    case $arg in
      --keep) keep=1 ;;
      *) die "unknown option for down: $arg (only --keep)" ;;
    esac
  done
  lock
  rm -f "$ENV_FILE"
  # registry first (it holds no Kafka connection, but stop clients before the broker anyway)
  stop_part registry
  stop_part kafka
  stop_part redis
  if [[ $keep -eq 0 ]]; then
    rm -rf "$STACK_DIR/kafka" "$STACK_DIR/redis" "$STACK_DIR/registry"
    log "stopped; data wiped (down --keep keeps it)"
  else
    log "stopped; data kept in $STACK_DIR"
  fi
}

cmd_restart() {
  local part=${1:-} kill=0
  [[ -n $part ]] || die "restart needs a part: kafka, redis or registry"
  [[ " ${PARTS[*]} " == *" $part "* ]] || die "unknown part $part (kafka, redis or registry)"
  [[ ${2:-} == "--kill" ]] && kill=1
  [[ -z ${2:-} || $kill -eq 1 ]] || die "unknown option for restart: $2 (only --kill)"
  local pid
  if [[ $kill -eq 1 ]] && pid="$(pid_of "$part")"; then
    log "killing $part (pid $pid)"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$RUN_DIR/$part.pid" "$RUN_DIR/$part.port"
  else
    stop_part "$part"
  fi
  cmd_up
}

cmd_env() {
  [[ -f $ENV_FILE ]] || die "no running stack ($ENV_FILE is missing): run bash scripts/stack.sh up"
  grep -v '^#' "$ENV_FILE"
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    env) cmd_env "$@" ;;
    restart) cmd_restart "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
