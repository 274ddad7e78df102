#!/usr/bin/env bash
# Issuance benchmark (issue #9): N concurrent virtual issuance centres drive the real HTTP route of a hub
# this script starts itself — availability → issue → completion (PRINTED) — against a generated city,
# and in the same run bare rendering (data XML → XSLT → FOP, and + PAdES) of the same documents.
# Every PDF is checked to name the card holder asked for; any error or wrong document: exit 1.
# Results: docs/benchmarks.md ("Issuance").
#
#   bench/issuance.sh                               # both modes, PostgreSQL, 32 clients, 30 s warm-up + 60 s, 20,000 residents
#   BENCH_MODE=plain bench/issuance.sh              # plain (dev profile: HTTP, plain JSON) | secure (mTLS + OpenPGP) | both
#   BENCH_DBS=h2 bench/issuance.sh                  # the hub on an H2 file database instead of a throwaway PostgreSQL
#   CLIENTS=4 WARMUP=3 DURATION=5 RESIDENTS=2000 bench/issuance.sh   # a smoke run
#   KINDS=JUMINHYO,INKAN,SHOTOKU_KAZEI bench/issuance.sh              # a mix of kinds
#   HUB_JAVA_OPTS='-Xmx512m -XX:StartFlightRecording=filename=/tmp/hub.jfr' bench/issuance.sh
#   BENCH_ARGS='--bare fop --pool 2000' bench/issuance.sh             # more bench-issuance options (./kofu help)
#   LOAD=open RATES=10,20 bench/issuance.sh         # open loop (issue #20): Poisson arrivals/s, JUKI DELTAs every 5 s
#   LOAD=both bench/issuance.sh                     # closed loop, then the open-loop rates, in the same hub
#   BENCH_ARGS='--client-steps 4,8,16' bench/issuance.sh   # closed loop also at 4, 8, 16 clients (before CLIENTS)
#   BENCH_ARGS='--printout-code bottom-left' bench/issuance.sh   # the municipality's signed 2D code on (issue #21;
#                                                   # a copy of the profiles with printoutCode on, for the hub only)
#
# The city is generated once into $BENCH_WORK (default /tmp/kofu-bench-issuance) and reused; each run makes
# its own key set, hub folders and GC log in a run-* folder there, removed at the end. The last results are
# kept in $BENCH_WORK/last-run.txt. PostgreSQL as in bench/sync.sh: /usr/lib/postgresql/15/bin, defaults,
# data and socket in a temporary folder, port 55433 on 127.0.0.1, one database per mode, removed at the end.
# Ports of the hubs: 18080 (plain), 18443 (secure). Output: counts, times, ids and codes only.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${BENCH_MODE:-both}
BENCH_DBS=${BENCH_DBS:-postgres}
CLIENTS=${CLIENTS:-32}
WARMUP=${WARMUP:-30}
DURATION=${DURATION:-60}
RESIDENTS=${RESIDENTS:-20000}
SEED=${SEED:-1}
KINDS=${KINDS:-JUMINHYO}
LOAD=${LOAD:-closed}
RATES=${RATES:-10,20}
MUNICIPALITY=${MUNICIPALITY:-012343}
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m}
HUB_JAVA_OPTS=${HUB_JAVA_OPTS:--Xmx512m}
BENCH_ARGS=${BENCH_ARGS:-}
PG_OPTS=${PG_OPTS:-}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGPORT=${PGPORT:-55433}
WORK=${BENCH_WORK:-/tmp/kofu-bench-issuance}

jar=kofu-tools/target/kofu-tools.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src -newer "$jar" -print -quit)" ]; then
  echo "bench: building $jar …" >&2
  ./mvnw -B -q -DskipTests package >&2
fi

# shellcheck source=bench/postgres.sh
. bench/postgres.sh
trap pg_cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK"
results="$WORK/last-run.txt"
{
  echo "machine: $(nproc) cpus, $(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo) GiB RAM, $(uname -sr)"
  echo "java: $(java -version 2>&1 | head -1), bench options $JAVA_OPTS, hub options $HUB_JAVA_OPTS"
  echo "command: BENCH_MODE=$MODE BENCH_DBS=$BENCH_DBS CLIENTS=$CLIENTS WARMUP=$WARMUP DURATION=$DURATION RESIDENTS=$RESIDENTS KINDS=$KINDS LOAD=$LOAD RATES=$RATES bench/issuance.sh $BENCH_ARGS"
} > "$results"

db_args=()
case "$BENCH_DBS" in
  h2)
    db_args=(--db h2)
    ;;
  postgres)
    if ! pg_available; then
      echo "bench: PostgreSQL 15 binaries not found in $PGBIN (apt-get install postgresql-15, or BENCH_DBS=h2)" >&2
      exit 2
    fi
    echo "postgres: $("$PGBIN/postgres" --version), options: ${PG_OPTS:-(initdb defaults)}" >> "$results"
    pg_start
    for m in plain secure; do
      pg_createdb "kofu_$m"
    done
    db_args=(--db postgres --db-url "jdbc:postgresql://127.0.0.1:$PGPORT/kofu_{mode}?reWriteBatchedInserts=true"
      --db-user kofu --db-password "")
    ;;
  *)
    echo "bench: unknown database $BENCH_DBS (h2, postgres)" >&2
    exit 2
    ;;
esac
echo >> "$results"

status=0
# shellcheck disable=SC2086
java $JAVA_OPTS -Djava.awt.headless=true -jar "$jar" bench-issuance --mode "$MODE" --clients "$CLIENTS" \
  --warmup "$WARMUP" --duration "$DURATION" --residents "$RESIDENTS" --seed "$SEED" --kinds "$KINDS" \
  --municipality "$MUNICIPALITY" --work "$WORK" --jar "$jar" --hub-java-opts "$HUB_JAVA_OPTS" \
  --load "$LOAD" --rates "$RATES" \
  "${db_args[@]}" $BENCH_ARGS >> "$results" || status=$?

echo "bench: results (also in $results):" >&2
cat "$results"
exit "$status"
