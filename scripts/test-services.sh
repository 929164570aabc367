#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis servers for the tests, on 127.0.0.1 at free ports, in a temp folder.
#
#   source scripts/test-services.sh start   # starts both, exports SDWEB_TEST_POSTGRES, SDWEB_TEST_REDIS, SDWEB_TEST_SERVICES
#   scripts/test-services.sh stop [DIR]     # stops them and deletes the folder (DIR defaults to $SDWEB_TEST_SERVICES)
#   scripts/test-services.sh env            # starts both and prints the export lines (for a caller that is not a shell)
#
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user (Debian's package makes it).
# Nothing is installed here: .ci/run installs the packages.

sdweb_services_start() {
  local pg_bin=${SDWEB_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
  if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]]; then
    echo "test-services: PostgreSQL binaries not found (apt-get install postgresql, or set SDWEB_PG_BIN)" >&2
    return 1
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "test-services: redis-server not found (apt-get install redis-server)" >&2
    return 1
  fi

  local dir run_as=()
  dir=$(mktemp -d /tmp/sdweb-services.XXXXXX)
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir"
    run_as=(runuser -u postgres --)
  fi
  local pg_port redis_port
  pg_port=$(sdweb_free_port)
  redis_port=$(sdweb_free_port "$pg_port")

  # trust on 127.0.0.1 only: the server listens nowhere else and lives as long as the test run.
  "${run_as[@]}" "$pg_bin/initdb" -D "$dir/pg" -U sdweb --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  "${run_as[@]}" "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null \
    || { cat "$dir/pg.log" >&2; return 1; }

  redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --daemonize yes \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"

  export SDWEB_TEST_SERVICES=$dir
  export SDWEB_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=sdweb;Database=postgres"
  export SDWEB_TEST_REDIS="127.0.0.1:$redis_port"
  echo "$pg_bin" >"$dir/pg_bin"
}

sdweb_services_stop() {
  local dir=${1:-${SDWEB_TEST_SERVICES:-}}
  [[ -n "$dir" && -d "$dir" ]] || return 0
  local run_as=()
  [[ $(id -u) -eq 0 ]] && run_as=(runuser -u postgres --)
  if [[ -f "$dir/pg/postmaster.pid" ]]; then
    "${run_as[@]}" "$(cat "$dir/pg_bin")/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [[ -f "$dir/redis.pid" ]]; then
    kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  fi
  rm -rf "$dir"
}

# A port nobody listens on now (the kernel picks it), other than the ones given.
sdweb_free_port() {
  python3 - "$@" <<'PY'
import socket, sys
taken = set(sys.argv[1:])
while True:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    if port not in taken:
        print(port)
        break
PY
}

case "${1:-}" in
  start) sdweb_services_start ;;
  stop) sdweb_services_stop "${2:-}" ;;
  env)
    sdweb_services_start || exit 1
    echo "export SDWEB_TEST_SERVICES='$SDWEB_TEST_SERVICES'"
    echo "export SDWEB_TEST_POSTGRES='$SDWEB_TEST_POSTGRES'"
    echo "export SDWEB_TEST_REDIS='$SDWEB_TEST_REDIS'"
    ;;
  *) echo "usage: source scripts/test-services.sh start | scripts/test-services.sh stop [DIR] | scripts/test-services.sh env" >&2; false ;;
esac
