#!/usr/bin/env bash
# Sync benchmark (issue #3 scale, #9 target): applies one FULL snapshot of a Yokohama-size synthetic
# city (3.8 million residents) through the hub's real sync path, on H2 (file database) and on a
# throwaway PostgreSQL 15, and next to it PostgreSQL COPY of the same rows. Results: docs/benchmarks.md.
# After the FULL each run applies a stream of DELTA files (bench-sync --deltas 20 --delta-size 200) and
# reports their records/s and time to issuable (p50/p95/max).
#
#   bench/sync.sh                      # 3.8M residents, seed 1, H2 and PostgreSQL, java -Xmx512m
#   RESIDENTS=200000 bench/sync.sh     # smaller city
#   BENCH_DBS=postgres bench/sync.sh   # one database only (h2, postgres)
#   BENCH_ARGS='--deltas 5 --delta-size 2200' bench/sync.sh   # other bench-sync options (~5,000-record DELTAs)
#   BENCH_REPLACE=no bench/sync.sh     # skip the second PostgreSQL pass (the FULL again, over the loaded replica)
#   PG_OPTS='-c shared_buffers=2GB -c max_wal_size=8GB' bench/sync.sh   # server settings (default: initdb's)
#   BENCH_JAVA_OPTS='-Xmx512m -XX:StartFlightRecording=filename=/tmp/sync.jfr' bench/sync.sh
#
# The export file is generated once into $BENCH_WORK (default /tmp/kofu-bench, 1.4 GB for 3.8M residents;
# not data/, which tests and demos wipe) and reused; the last results are kept there in last-run.txt.
# PostgreSQL runs from /usr/lib/postgresql/15/bin with its defaults (fsync on), data and socket in a
# temporary folder, port 55432 on 127.0.0.1 only, and is stopped and removed at the end.
# Output: counts, sizes and times only (no personal data, and the data is synthetic anyway).
set -euo pipefail
cd "$(dirname "$0")/.."

RESIDENTS=${RESIDENTS:-3800000}
SEED=${SEED:-1}
MUNICIPALITY=${MUNICIPALITY:-011002}
BENCH_DBS=${BENCH_DBS:-h2 postgres}
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m}
BENCH_REPLACE=${BENCH_REPLACE:-yes}
BENCH_ARGS=${BENCH_ARGS:-}
PG_OPTS=${PG_OPTS:-}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGPORT=${PGPORT:-55432}
WORK=${BENCH_WORK:-/tmp/kofu-bench}

jar=kofu-tools/target/kofu-tools.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  echo "bench: building $jar …" >&2
  ./mvnw -B -q -DskipTests package >&2
fi

tmp=$(mktemp -d /tmp/kofu-bench-run.XXXXXX)
# shellcheck source=bench/postgres.sh
. bench/postgres.sh
cleanup() {
  pg_cleanup
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK"
results="$WORK/last-run.txt"
{
  echo "machine: $(nproc) cpus, $(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo) GiB RAM, $(uname -sr)"
  echo "java: $(java -version 2>&1 | head -1), options $JAVA_OPTS"
  if [ -x "$PGBIN/postgres" ]; then echo "postgres: $("$PGBIN/postgres" --version), options: ${PG_OPTS:-(initdb defaults)}"; fi
  echo
} > "$results"
common=(--residents "$RESIDENTS" --seed "$SEED" --municipality "$MUNICIPALITY" --work "$WORK")

run_bench() { # label, then bench-sync arguments
  local label=$1; shift
  echo "bench: $label …" >&2
  # shellcheck disable=SC2086
  java $JAVA_OPTS -Djava.awt.headless=true -jar "$jar" bench-sync --label "$label" "${common[@]}" $BENCH_ARGS "$@" >> "$results"
  echo >> "$results"
}

for db in $BENCH_DBS; do
  case "$db" in
    h2)
      run_bench H2 --db-url "jdbc:h2:file:$tmp/h2/kofu;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" \
        --db-user sa --db-password ""
      rm -rf "$tmp/h2"
      ;;
    postgres)
      if ! pg_available; then
        echo "bench: PostgreSQL 15 binaries not found in $PGBIN (apt-get install postgresql-15); H2 only" | tee -a "$results" >&2
        continue
      fi
      pg_start
      pg_createdb kofu
      pgurl="jdbc:postgresql://127.0.0.1:$PGPORT/kofu?reWriteBatchedInserts=true"
      run_bench PostgreSQL --db-url "$pgurl" --db-user kofu --db-password ""
      if [ "$BENCH_REPLACE" = yes ]; then
        # the monthly case: the same snapshot again over the loaded replica (deletes, then history kept)
        run_bench PostgreSQL --db-url "$pgurl" --db-user kofu --db-password "" --reset yes --read no --copy no
      fi
      pg_cleanup
      ;;
    *)
      echo "bench: unknown database $db (h2, postgres)" >&2
      exit 2
      ;;
  esac
done

echo "bench: results (also in $results):" >&2
cat "$results"
