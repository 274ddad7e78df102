# A throwaway PostgreSQL 15 for the benchmarks (sourced by bench/sync.sh and bench/issuance.sh):
# /usr/lib/postgresql/15/bin ($PGBIN) with initdb's defaults (+ $PG_OPTS), data and socket in a temporary
# folder, port $PGPORT on 127.0.0.1 only, user kofu without password; stopped and removed by pg_stop or
# on exit (the caller's EXIT trap calls pg_cleanup).
pgdir=""
as_pg=()

# whether the binaries are there
pg_available() {
  [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ]
}

# initdb + start; as root, initdb and the server run as the postgres user (initdb refuses root)
pg_start() {
  pgdir=$(mktemp -d /tmp/kofu-bench-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$pgdir"
    as_pg=(runuser -u postgres --)
  fi
  "${as_pg[@]}" "$PGBIN/initdb" -D "$pgdir/data" -U kofu --auth=trust -E UTF8 --no-locale >/dev/null
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
    -o "-p $PGPORT -k $pgdir -c listen_addresses=127.0.0.1 $PG_OPTS" start >/dev/null
}

# pg_createdb NAME
pg_createdb() {
  "${as_pg[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U kofu "$1"
}

# stops the server if it runs and removes its folder
pg_cleanup() {
  if [ -n "$pgdir" ] && [ -f "$pgdir/data/postmaster.pid" ]; then
    "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$pgdir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  [ -n "$pgdir" ] && rm -rf "$pgdir"
  pgdir=""
  return 0
}
