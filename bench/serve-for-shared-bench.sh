#!/usr/bin/env bash
# Start `clawgress serve` on 127.0.0.1:3128 with one agent, its quota and a policy allowing the
# loopback origin, for ../shared/bench/run. Prints the proxy URL with credentials on stdout (last line).
# Audit JSON lines go to $AUDIT_OUT (default /dev/null); logs to $LOG (default /tmp/clawgress-bench.log).
# PROXY_PORT and ADMIN_PORT (default 3128, 18081) let two of them run side by side (A/B runs);
# NODE_FLAGS go to node (e.g. --cpu-prof), with NODE_BIN to run another node.
# Usage: bench/serve-for-shared-bench.sh [extra serve flags...]   (stop it with: kill $(cat $DATA/serve.pid))
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-$(mktemp -d /tmp/clawgress-bench.XXXXXX)}
mkdir -p "$DATA"
PROXY_PORT=${PROXY_PORT:-3128}
ADMIN_PORT=${ADMIN_PORT:-18081}
ADMIN=http://127.0.0.1:$ADMIN_PORT
TOKEN=bench-admin-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
AUDIT_OUT=${AUDIT_OUT:-/dev/null}
LOG=${LOG:-/tmp/clawgress-bench.log}
CLAWGRESS_ADMIN_TOKEN=$TOKEN ${NODE_BIN:-node} ${NODE_FLAGS:-} bin/clawgress serve --data-dir "$DATA" --allow-internal 127.0.0.1/32 \
  --gateway-listen 127.0.0.1:$PROXY_PORT --admin-listen 127.0.0.1:$ADMIN_PORT "$@" >"$AUDIT_OUT" 2>"$LOG" &
echo $! >"$DATA/serve.pid"
for _ in $(seq 100); do curl -sf $ADMIN/readyz >/dev/null && break; sleep 0.1; done
api() { curl -sS --fail-with-body -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' "$@"; }
KEY=$(api $ADMIN/api/v1/agents \
  -d '{"agent_id":"bench","team_id":"t","project_id":"p","environment":"bench","auth_type":"api_key"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
api $ADMIN/api/v1/policies \
  -d '{"policy_id":"bench-loopback","action":"allow","priority":1,"match":{"agents":["bench"],"domains":["127.0.0.1"],"methods":["GET"]}}' >/dev/null
curl -sS --fail-with-body -H "Authorization: Bearer $TOKEN" -X POST $ADMIN/api/v1/policies/publish >/dev/null
# Every check on: the agent's rate limit is checked on every request (the API's maximum, never reached).
api -X PUT $ADMIN/api/v1/quotas/bench -d '{"rps_limit":100000,"rpm_limit":6000000,"mode":"hard_stop"}' >/dev/null
echo "pid $(cat "$DATA/serve.pid"), data $DATA" >&2
echo "http://bench:$KEY@127.0.0.1:$PROXY_PORT"
