#!/usr/bin/env bash
# Local Neo4j Community 5.26 server for tests, run straight from the Maven jars (no Docker, no sudo).
#
#   scripts/neo4j/server.sh install   fetch the jars once into .neo4j/lib (Maven repo cache: .neo4j/m2)
#   scripts/neo4j/server.sh start     start on 127.0.0.1:$NEO4J_TEST_PORT (default 7688), wait for Bolt,
#                                     print the Bolt URI as the last stdout line
#   scripts/neo4j/server.sh stop      stop it (SIGTERM by pid file, clean shutdown; SIGKILL after 60 s)
#   scripts/neo4j/server.sh status    "running <pid> <uri>" (exit 0) or "stopped" (exit 3)
#
# Login: user "neo4j", password "landscape-test" (fixed test password, set once before the first start).
# Database: "neo4j" (Community has only "neo4j" and "system"). HTTP/HTTPS connectors are off.
# Files: .neo4j/run/ in the project root (conf/, data/, logs/, run/neo4j.pid). Delete .neo4j/run to wipe.
# Env: NEO4J_TEST_PORT (7688), NEO4J_TEST_HEAP (512m), NEO4J_TEST_PAGECACHE (64m),
#      NEO4J_TEST_START_TIMEOUT (120 s), JAVA_HOME (else java on PATH; Java 17 or 21).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
BASE="$ROOT/.neo4j"
LIB="$BASE/lib"
RUN="$BASE/run"
PIDFILE="$RUN/run/neo4j.pid"
PORT="${NEO4J_TEST_PORT:-7688}"
HEAP="${NEO4J_TEST_HEAP:-512m}"
PAGECACHE="${NEO4J_TEST_PAGECACHE:-64m}"
START_TIMEOUT="${NEO4J_TEST_START_TIMEOUT:-120}"
PASSWORD="landscape-test"
URI="bolt://127.0.0.1:$PORT"
MAIN="org.neo4j.server.CommunityEntryPoint"

say() { echo "neo4j-server: $*" >&2; }
die() { say "$*"; exit 1; }

java_bin() {
  local j
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then j="$JAVA_HOME/bin/java"
  else j="$(command -v java || true)"; fi
  [[ -n "$j" ]] || die "no java found (install OpenJDK 17 or 21, or set JAVA_HOME)"
  local v
  v="$("$j" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
  [[ "${v:-0}" -ge 17 ]] || die "java at $j is version '${v:-unknown}'; Neo4j 5.26 needs Java 17 or 21"
  echo "$j"
}

lock() {  # serialise install/start/stop between concurrent callers (e.g. pytest-xdist workers)
  mkdir -p "$BASE"
  exec 9>"$BASE/.lock"
  if command -v flock >/dev/null; then flock -w 600 9 || die "timed out waiting for $BASE/.lock"; fi
}

pom_hash() { sha256sum "$SCRIPT_DIR/pom.xml" | cut -d' ' -f1; }

installed() { [[ -f "$LIB/.installed" && "$(cat "$LIB/.installed")" == "$(pom_hash)" ]]; }

do_install() {
  installed && return 0
  command -v mvn >/dev/null || die "no mvn found (Maven 3.8+ is needed once, to fetch the Neo4j jars)"
  java_bin >/dev/null
  say "fetching Neo4j jars into $LIB (once) ..."
  rm -rf "$LIB.tmp"
  mvn -B -q --no-transfer-progress -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" -Dmaven.repo.local="$BASE/m2" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIB.tmp" >"$BASE/mvn.log" 2>&1 \
    || { tail -n 40 "$BASE/mvn.log" >&2; die "mvn could not fetch the Neo4j jars (log: $BASE/mvn.log)"; }
  ls "$LIB.tmp"/neo4j-server-*.jar >/dev/null 2>&1 || die "mvn ran but no neo4j-server jar in $LIB.tmp"
  pom_hash >"$LIB.tmp/.installed"
  rm -rf "$LIB" && mv "$LIB.tmp" "$LIB"
  say "installed $(find "$LIB" -name '*.jar' | wc -l) jars"
}

pid_alive() {  # our server's pid, if its process is alive and really is our Neo4j
  [[ -f "$PIDFILE" ]] || return 1
  local pid; pid="$(tr -dc '0-9' <"$PIDFILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$MAIN" || return 1
  echo "$pid"
}

# shellcheck disable=SC2016  # $1 expands in the inner bash
bolt_answers() {  # a real Bolt handshake: propose 5.0-5.8 and 4.4, expect a non-zero version back
  local reply
  reply="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x60\x60\xb0\x17\x00\x08\x08\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00" >&3
    head -c 4 <&3 | od -An -tx1' _ "$1" 2>/dev/null)" || return 1
  reply="${reply//[[:space:]]/}"
  [[ ${#reply} -eq 8 && "$reply" != 00000000 ]]
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

log_lines() { if [[ -f "$1" ]]; then wc -l <"$1"; else echo 0; fi; }

log_tail() {  # this start's log lines, most telling last (callers often keep only the end)
  local f n
  for f in debug.log neo4j.log console.log; do
    n="$(cat "$RUN/logs/.$f.start" 2>/dev/null || echo 0)"
    [[ "$(log_lines "$RUN/logs/$f")" -gt "$n" ]] || continue
    echo "--- $RUN/logs/$f (this start, last 25 lines)" >&2
    tail -n +"$((n + 1))" "$RUN/logs/$f" | tail -n 25 >&2
  done
  return 0
}

write_conf() {
  mkdir -p "$RUN/conf" "$RUN/logs" "$RUN/run"
  cat >"$RUN/conf/neo4j.conf" <<EOF
# Written by scripts/neo4j/server.sh start; paths are relative to --home-dir ($RUN).
server.default_listen_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$PORT
server.bolt.advertised_address=127.0.0.1:$PORT
server.http.enabled=false
server.https.enabled=false
dbms.security.auth_enabled=true
server.memory.pagecache.size=$PAGECACHE
dbms.usage_report.enabled=false
db.tx_log.rotation.retention_policy=1 files
# Small transaction logs (the default preallocates 256 MiB per database).
db.tx_log.preallocate=false
db.tx_log.rotation.size=16M
# Tests may try wrong passwords: never lock the test user out.
dbms.security.auth_max_failed_attempts=0
# Shut Bolt down in ~1 s instead of ~10 s.
internal.server.bolt.connection_shutdown_wait_time=1s
internal.server.bolt.thread_pool_shutdown_wait_time=1s
EOF
}

do_start() {
  local java pid
  java="$(java_bin)"
  do_install
  if pid="$(pid_alive)"; then
    [[ "$(cat "$RUN/port" 2>/dev/null)" == "$PORT" ]] \
      || die "already running (pid $pid) on port $(cat "$RUN/port" 2>/dev/null); stop it first"
    bolt_answers "$PORT" || die "already running (pid $pid) but Bolt on $PORT does not answer"
    say "already running (pid $pid)"
    echo "$URI"; return 0
  fi
  port_in_use "$PORT" && die "port $PORT on 127.0.0.1 is taken by another process (set NEO4J_TEST_PORT)"
  write_conf
  if [[ ! -d "$RUN/data/databases/system" ]]; then  # first start: set the fixed test password
    NEO4J_HOME="$RUN" NEO4J_CONF="$RUN/conf" "$java" -Xmx128m -cp "$LIB/*" org.neo4j.cli.AdminTool \
      dbms set-initial-password "$PASSWORD" >"$RUN/logs/set-password.log" 2>&1 \
      || { cat "$RUN/logs/set-password.log" >&2; die "could not set the initial password"; }
  fi
  echo "$PORT" >"$RUN/port"
  local f
  for f in debug.log neo4j.log; do log_lines "$RUN/logs/$f" >"$RUN/logs/.$f.start"; done
  say "starting Neo4j on $URI (heap $HEAP, page cache $PAGECACHE, home $RUN)"
  local t0=$SECONDS
  local detach=(); command -v setsid >/dev/null && detach=(setsid)  # own session: no terminal signals
  # JVM options from Neo4j's own neo4j.conf, with the heap fixed at its size as Neo4j advises.
  "${detach[@]}" "$java" -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow \
    -XX:+AlwaysPreTouch -XX:+UnlockExperimentalVMOptions -XX:+TrustFinalNonStaticFields -XX:+DisableExplicitGC \
    -Djdk.nio.maxCachedBufferSize=1024 -XX:+ExitOnOutOfMemoryError -Dio.netty.tryReflectionSetAccessible=true -Dlog4j2.disable.jmx=true \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
    -Dfile.encoding=UTF-8 -cp "$LIB/*" "$MAIN" --home-dir="$RUN" --config-dir="$RUN/conf" \
    </dev/null >"$RUN/logs/console.log" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  while ((SECONDS - t0 < START_TIMEOUT)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log_tail; rm -f "$PIDFILE"; die "Neo4j exited during start-up (see $RUN/logs)"
    fi
    if bolt_answers "$PORT"; then
      say "Bolt answers on $URI after $((SECONDS - t0)) s (pid $pid)"
      echo "$URI"; return 0
    fi
    sleep 0.5
  done
  log_tail
  stop_pid "$pid"
  die "Bolt did not answer on $URI within $START_TIMEOUT s (server stopped again)"
}

stop_pid() {  # SIGTERM (Neo4j shuts down cleanly), SIGKILL after 60 s
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; return 0; }
    sleep 0.2
  done
  say "pid $pid did not stop within 60 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

do_stop() {
  local pid
  if ! pid="$(pid_alive)"; then say "not running"; rm -f "$PIDFILE"; return 0; fi
  stop_pid "$pid"
  say "stopped (pid $pid)"
}

do_status() {
  local pid
  if pid="$(pid_alive)"; then echo "running $pid bolt://127.0.0.1:$(cat "$RUN/port" 2>/dev/null)"
  else echo "stopped"; return 3; fi
}

case "${1:-}" in
  install) lock; do_install ;;
  start) lock; do_start ;;
  stop) lock; do_stop ;;
  status) do_status ;;
  *) echo "usage: $0 {install|start|stop|status}" >&2; exit 2 ;;
esac
