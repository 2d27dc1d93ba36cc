#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: a cluster in a fresh temp dir
# under /tmp, listening only on a Unix socket in that dir (no TCP port), no
# fsync (commits still wait for their WAL write). The CTest fixture
# (pg_server_start / pg_server_stop) runs it once per ctest run; restart
# tests run their own with another STATE_DIR.
#
#   pg_server.sh start   STATE_DIR   initdb + start; writes STATE_DIR/uri etc.
#   pg_server.sh stop    STATE_DIR   stops the server (-m immediate), removes it all
#   pg_server.sh halt    STATE_DIR   stops the server, keeps the cluster
#   pg_server.sh resume  STATE_DIR   starts the kept cluster again, same socket
#   pg_server.sh restart STATE_DIR   halt, then resume
#
# STATE_DIR (created; may be in the build tree) gets: uri (the maintenance
# database as the superuser: postgresql:///postgres?host=SOCKDIR&user=postgres),
# socket_dir, data_dir, pg_ctl, log, temp_dir. The cluster itself lives in the
# temp dir, owned by postgres, because the postgres user may not be able to
# traverse the build tree. Run as root, initdb and postgres run as the
# postgres user (runuser); run as anyone else, as that user.
set -euo pipefail

usage() { echo "usage: $0 start|stop|halt|resume|restart STATE_DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
state=$2

find_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  local dir
  dir=$(pg_config --bindir 2>/dev/null || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  echo "pg_server.sh: no PostgreSQL server binaries (initdb) found: apt-get install postgresql-15, or set PG_BINDIR" >&2
  exit 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts the cluster in $tmp and waits until it accepts connections.
start_server() {
  local tmp=$1 bindir=$2
  # Extra settings for the tests: no fsync (a throwaway cluster), room for
  # ctest -j with several connections per test, quick deadlock detection.
  # synchronous_commit stays on: a commit has written its WAL (to the page
  # cache, cheap without fsync) before it returns, so what a test committed
  # survives a restart with -m immediate, as on a real server.
  # GLOSS_PG_FSYNC=on (benchmarks): flush to disk as a real server does.
  local fsync=${GLOSS_PG_FSYNC:-off}
  case "$fsync" in on | off) ;; *) echo "pg_server.sh: GLOSS_PG_FSYNC is on or off" >&2; exit 2 ;; esac
  if ! as_owner "$bindir/pg_ctl" start -D "$tmp/data" -l "$tmp/server.log" -w -t 30 -o \
      "-k $tmp -c listen_addresses='' -c fsync=$fsync -c full_page_writes=$fsync -c max_connections=300 -c deadlock_timeout=100ms" \
      >/dev/null; then
    echo "pg_server.sh: the test PostgreSQL server in $tmp did not start; its log:" >&2
    cat "$tmp/server.log" >&2 || true
    exit 1
  fi
  local deadline=$((SECONDS + 30))
  until pg_isready -q -h "$tmp" -U postgres -d postgres; do
    if [ $SECONDS -ge $deadline ]; then
      echo "pg_server.sh: the test PostgreSQL server in $tmp did not accept connections within 30 s; its log:" >&2
      cat "$tmp/server.log" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
}

stop_server() {
  local tmp=$1 bindir=$2
  if [ -f "$tmp/data/postmaster.pid" ]; then
    as_owner "$bindir/pg_ctl" stop -D "$tmp/data" -m immediate -w >/dev/null 2>&1 || true
  fi
}

case "$action" in
  start)
    # A state left by an interrupted run: stop that server first.
    if [ -f "$state/temp_dir" ]; then "$0" stop "$state"; fi
    bindir=$(find_bindir)
    mkdir -p "$state"
    tmp=$(mktemp -d /tmp/gloss-pg.XXXXXX)
    chmod 755 "$tmp"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$tmp"; fi
    echo "$tmp" > "$state/temp_dir"
    if ! as_owner "$bindir/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
         >"$tmp/initdb.log" 2>&1; then
      echo "pg_server.sh: initdb failed in $tmp/data:" >&2
      cat "$tmp/initdb.log" >&2
      exit 1
    fi
    start_server "$tmp" "$bindir"
    echo "postgresql:///postgres?host=$tmp&user=postgres" > "$state/uri"
    echo "$tmp" > "$state/socket_dir"
    echo "$tmp/data" > "$state/data_dir"
    echo "$bindir/pg_ctl" > "$state/pg_ctl"
    echo "$tmp/server.log" > "$state/log"
    echo "test PostgreSQL server: $(cat "$state/uri")"
    ;;
  stop)
    if [ -f "$state/temp_dir" ]; then
      tmp=$(cat "$state/temp_dir")
      stop_server "$tmp" "$(find_bindir)"
      case "$tmp" in /tmp/gloss-pg.*) rm -rf "$tmp" ;; esac
    fi
    rm -f "$state"/{uri,socket_dir,data_dir,pg_ctl,log,temp_dir}
    ;;
  halt | resume | restart)
    [ -f "$state/temp_dir" ] || { echo "pg_server.sh: no test server in $state (run start first)" >&2; exit 1; }
    tmp=$(cat "$state/temp_dir")
    bindir=$(find_bindir)
    if [ "$action" != resume ]; then stop_server "$tmp" "$bindir"; fi
    if [ "$action" != halt ]; then start_server "$tmp" "$bindir"; fi
    ;;
  *) usage ;;
esac
