#!/usr/bin/env bash
# The drills of national scale (README, "The drills at national scale"), one after another, for
# one quiet session on PostgreSQL: each step's output and wall time into LOG (default
# var/drills-<UTC time>.log). About 2.5 hours on 2 cores; `--from STEP` starts at a step.
#
#   bench/drills.sh [--from STEP] [LOG]
#
# Steps: build100k bill100k build1500k bill1500k statements build10k web10k web1500k explain backup
# restore soak. The databases are `<name>_scale<N>` beside DATABASE_URL's (kept; the restored
# copy `<name>_restored` is dropped at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mokesta}"
PY=.venv/bin/python
FROM=build100k
if [ "${1:-}" = "--from" ]; then FROM="$2"; shift 2; fi
mkdir -p var
LOG="${1:-var/drills-$(date -u +%Y%m%dT%H%M).log}"
BASE="${DATABASE_URL%/*}"
NAME="${DATABASE_URL##*/}"
BIG="$BASE/${NAME}_scale1500000"
WORK="$(mktemp -d /tmp/mokesta-drills-XXXXXX)"
started=no

step() {
    local name="$1"
    shift
    [ "$name" = "$FROM" ] && started=yes
    [ "$started" = yes ] || return 0
    echo "== $name $(date -u +%H:%M:%S) $*" | tee -a "$LOG"
    /usr/bin/time -f "   $name: %e s wall, peak %M KiB (this command's largest process)" \
        "$@" 2>&1 | tee -a "$LOG"
}

step build100k $PY bench/scale.py 100000
step bill100k $PY bench/scale_billing.py 100000 --workers 1 2
step build1500k $PY bench/scale.py 1500000
step bill1500k $PY bench/scale_billing.py 1500000 --workers 2
step statements $PY bench/statements.py 1000000
step build10k $PY bench/scale.py 10000
step web10k $PY bench/web.py --scale 10000 --rounds 3
step web1500k $PY bench/web.py --scale 1500000 --rounds 3
step explain $PY bench/web.py --scale 1500000 --explain
step backup env DATABASE_URL="$BIG" PRIVATE_MEDIA_ROOT="$WORK/media" deploy/backup "$WORK/backups"
step restore env DATABASE_URL="$BASE/${NAME}_restored" PRIVATE_MEDIA_ROOT="$WORK/restored-media" \
    sh -c "deploy/restore $WORK/backups/mokesta-* --jobs 2"
step soak $PY bench/soak.py --minutes 60
psql "$BASE/postgres" -c "DROP DATABASE IF EXISTS \"${NAME}_restored\" WITH (FORCE)" >/dev/null
rm -rf "$WORK"
echo "== done $(date -u +%H:%M:%S); the log: $LOG"
