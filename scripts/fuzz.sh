#!/usr/bin/env bash
# `pnpm fuzz`: property-based fuzzing of the ingress API with Schemathesis (from PyPI), driven by
# the API's own OpenAPI document, against Riel started in one process (in-memory bus and store,
# both provider sandboxes). Fails on any 5xx and on any answer the document does not allow.
# FUZZ_EXAMPLES (default 40) cases per operation; FUZZ_SEED fixes the run (default 20261122).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ST_VERSION="4.32.5"
VENV="${FUZZ_VENV:-.venv-fuzz}"
if [[ ! -x ${VENV}/bin/schemathesis ]] || [[ $("${VENV}/bin/schemathesis" --version 2>/dev/null) != *"${ST_VERSION}"* ]]; then
  python3 -m venv "${VENV}"
  "${VENV}/bin/pip" install -q "schemathesis==${ST_VERSION}"
fi

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
INGRESS_PORT="$(free_port)"; WEBHOOK_PORT="$(free_port)"; DEPAY_SANDBOX_PORT="$(free_port)"; TUMIPAY_SANDBOX_PORT="$(free_port)"
# An API key with every scope, so the fuzz reaches past authentication (401s are fuzzed by the unit tests).
INGRESS_API_KEY="$(node --import tsx scripts/api-key.ts)"
export INGRESS_PORT WEBHOOK_PORT DEPAY_SANDBOX_PORT TUMIPAY_SANDBOX_PORT INGRESS_API_KEY RIEL_QUIET=1 DEPAY_SANDBOX_CALLBACK_DELAY_MS=0
log="$(mktemp)"
node --import tsx services/embedded/src/main.ts >"${log}" 2>&1 &
riel=$!
trap 'kill "${riel}" 2>/dev/null || true; wait "${riel}" 2>/dev/null || true' EXIT

api="http://127.0.0.1:${INGRESS_PORT}"
for _ in $(seq 1 300); do
  curl -sf "${api}/openapi.json" >/dev/null 2>&1 && break
  kill -0 "${riel}" 2>/dev/null || { cat "${log}"; echo "fuzz: Riel did not start"; exit 1; }
  sleep 0.2
done
curl -sf "${api}/openapi.json" >/dev/null || { cat "${log}"; echo "fuzz: ${api}/openapi.json does not answer"; exit 1; }

"${VENV}/bin/schemathesis" run "${api}/openapi.json" \
  --url "${api}" \
  --header "Authorization: Bearer ${INGRESS_API_KEY}" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples "${FUZZ_EXAMPLES:-40}" \
  --seed "${FUZZ_SEED:-20261122}" \
  --workers 1 \
  --suppress-health-check all \
  --report junit --report-junit-path "${FUZZ_REPORT:-test-artifacts/fuzz-junit.xml}"
