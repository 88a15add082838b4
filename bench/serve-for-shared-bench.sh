#!/usr/bin/env bash
# Start `clawgress serve` on 127.0.0.1:3128 with one agent, its quota and a policy allowing the
# loopback origin, for ../shared/bench/run. Prints the proxy URL with credentials on stdout (last line).
# Audit JSON lines go to $AUDIT_OUT (default /dev/null); logs to $LOG (default /tmp/clawgress-bench.log).
# Usage: bench/serve-for-shared-bench.sh [extra serve flags...]   (stop it with: kill $(cat $DATA/serve.pid))
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-$(mktemp -d /tmp/clawgress-bench.XXXXXX)}
mkdir -p "$DATA"
TOKEN=bench-admin-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
AUDIT_OUT=${AUDIT_OUT:-/dev/null}
LOG=${LOG:-/tmp/clawgress-bench.log}
CLAWGRESS_ADMIN_TOKEN=$TOKEN ${NODE_BIN:-node} ${NODE_FLAGS:-} bin/clawgress serve --data-dir "$DATA" --allow-internal 127.0.0.1/32 \
  --admin-listen 127.0.0.1:18081 "$@" >"$AUDIT_OUT" 2>"$LOG" &
echo $! >"$DATA/serve.pid"
for _ in $(seq 100); do curl -sf http://127.0.0.1:18081/readyz >/dev/null && break; sleep 0.1; done
api() { curl -sS --fail-with-body -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' "$@"; }
KEY=$(api http://127.0.0.1:18081/api/v1/agents \
  -d '{"agent_id":"bench","team_id":"t","project_id":"p","environment":"bench","auth_type":"api_key"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
api http://127.0.0.1:18081/api/v1/policies \
  -d '{"policy_id":"bench-loopback","action":"allow","priority":1,"match":{"agents":["bench"],"domains":["127.0.0.1"],"methods":["GET"]}}' >/dev/null
curl -sS --fail-with-body -H "Authorization: Bearer $TOKEN" -X POST http://127.0.0.1:18081/api/v1/policies/publish >/dev/null
# Every check on: the agent's rate limit is checked on every request (the API's maximum, never reached).
api -X PUT http://127.0.0.1:18081/api/v1/quotas/bench -d '{"rps_limit":100000,"rpm_limit":6000000,"mode":"hard_stop"}' >/dev/null
echo "pid $(cat "$DATA/serve.pid"), data $DATA" >&2
echo "http://bench:$KEY@127.0.0.1:3128"
