#!/usr/bin/env bash
# Dashboard benchmark, run by hand (not a test): `bench/dashboard.sh [SCHOOLS]` (default 5000).
#
# Builds a scratch PostgreSQL database (edugov_dashbench — never the real one) with the Dongsheng
# plan and the demo district scaled to SCHOOLS schools, rolls it up, serves the app with gunicorn
# (DEBUG off, 4 workers) and loads, with wrk (20 connections, 30 s each):
#   - the login page: the baseline, a Django page with no data, measured in the same run;
#   - the leader overview and an indicator page, logged in as the leader.
# Prints requests/s, latency percentiles (p50/p95/p99), errors, the gzipped size of each page
# (plotly.js apart: the browser caches it) and the ratio of each page's p95 to the baseline's, then
# times the overview fully drawn in headless Chromium. Goals: p95 < 150 ms, no errors, each page
# < 100 KB gzipped, overview drawn within 3 s.
set -euo pipefail
cd "$(dirname "$0")/.."
SCHOOLS=${1:-5000}
DURATION=${DURATION:-30s}
PORT=${PORT:-8077}
DB=edugov_dashbench
PY=.venv/bin/python
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" SECRET_KEY=$(python3 -c "import secrets; print(secrets.token_urlsafe(60))") DEBUG=false
export ALLOWED_HOSTS=127.0.0.1,localhost DB_CONN_MAX_AGE=60
# plain http on localhost (no TLS proxy in front): production security settings that need HTTPS are off
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0
unset REDIS_URL
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk"; exit 1; }
WORK=$(mktemp -d)
trap 'kill $(cat $WORK/gunicorn.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT

if [ "${KEEP_DB:-0}" != 1 ] || ! psql -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw "$DB"; then
  echo "== building $DB with $SCHOOLS schools"
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  start=$(date +%s)
  $PY manage.py migrate -v0
  $PY manage.py load_plan >/dev/null
  $PY manage.py load_definitions >/dev/null
  $PY manage.py demo_accounts --allow-production-demo >/dev/null
  $PY manage.py demo_progress --allow-production-demo >/dev/null
  $PY manage.py demo_data --allow-production-demo --schools "$SCHOOLS" | tail -1
  echo "   built in $(( $(date +%s) - start )) s"
fi
$PY manage.py collectstatic --noinput -v0

.venv/bin/gunicorn edugov.wsgi:application --bind "127.0.0.1:$PORT" --workers 4 --daemon \
  --pid "$WORK/gunicorn.pid" --error-logfile "$WORK/gunicorn.log"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/accounts/login/" >/dev/null && break; sleep 0.2; done

# log in as the leader and keep the session cookie
JAR="$WORK/cookies"
TOKEN=$(curl -s -c "$JAR" "http://127.0.0.1:$PORT/accounts/login/" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -1)
curl -s -b "$JAR" -c "$JAR" -o /dev/null -H "Referer: http://127.0.0.1:$PORT/accounts/login/" \
  --data-urlencode "csrfmiddlewaretoken=$TOKEN" --data "username=leader&password=edugov2019" \
  "http://127.0.0.1:$PORT/accounts/login/"
SESSION=$(awk '$6=="sessionid"{print $7}' "$JAR")
[ -n "$SESSION" ] || { echo "login failed"; exit 1; }
COOKIE="Cookie: sessionid=$SESSION; django_language=zh-hans"

cat > "$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.1f %.1f %.1f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors,
    summary.requests))
end
LUA

YEAR=2022
declare -A P95
run() {  # name url [cookie]
  local name=$1 url=$2 header=${3:-"X-Bench: 1"}
  local size status
  status=$(curl -s -o "$WORK/page" -w '%{http_code}' -H "$header" "$url")
  size=$(gzip -9 -c "$WORK/page" | wc -c)
  [ "$status" = 200 ] || { echo "$name answered $status"; exit 1; }
  read -r _ rps p50 p95 p99 errors total < <(wrk -t2 -c20 -d"$DURATION" --latency -H "$header" \
    -s "$WORK/report.lua" "$url" | grep '^RESULT')
  P95[$name]=$p95
  printf "%-10s %8.1f req/s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  errors %d/%d  %6.1f KB gzipped\n" \
    "$name" "$rps" "$p50" "$p95" "$p99" "$errors" "$total" "$(echo "$size/1024" | bc -l)"
}
echo "== wrk: 20 connections, $DURATION per page, gunicorn 4 workers, $SCHOOLS schools"
run baseline "http://127.0.0.1:$PORT/accounts/login/"
run overview "http://127.0.0.1:$PORT/reports/?year=$YEAR" "$COOKIE"
run indicator "http://127.0.0.1:$PORT/reports/indicators/puhui_kindergarten_coverage/?year=$YEAR" "$COOKIE"
for page in overview indicator; do
  printf "p95 %s / baseline: %.1f×\n" "$page" "$(echo "${P95[$page]}/${P95[baseline]}" | bc -l)"
done

echo "== headless Chromium: overview fully drawn"
$PY - "$PORT" "$SESSION" "$YEAR" <<'PYEOF'
import sys
import time

from playwright.sync_api import sync_playwright

port, session, year = sys.argv[1:4]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": session, "domain": "127.0.0.1", "path": "/"}])
    page = context.new_page()
    times = []
    for attempt in range(4):  # the first load fetches plotly.js; later ones find it cached
        start = time.perf_counter()
        page.goto(f"http://127.0.0.1:{port}/reports/?year={year}")
        page.wait_for_selector("body[data-charts-drawn='1']", timeout=30000)
        times.append(time.perf_counter() - start)
    print(f"overview drawn: first load {times[0]:.2f} s (plotly.js not cached), then "
          f"{min(times[1:]):.2f}–{max(times[1:]):.2f} s")
    browser.close()
PYEOF
