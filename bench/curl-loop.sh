#!/usr/bin/env bash
# The baseline of the apply benchmark: what a user would otherwise run. One token, then one `curl` POST per
# connection, in sequence. Usage: curl-loop.sh BODIES_FILE (one JSON body a line); prints one status a line.
# Needs TOKEN_URL, BASE_URL, CLIENT_ID and CLIENT_SECRET in the environment.
set -euo pipefail
token=$(curl -sS --fail -X POST "$TOKEN_URL" \
  --data-urlencode grant_type=client_credentials \
  --data-urlencode "client_id=$CLIENT_ID" \
  --data-urlencode "client_secret=$CLIENT_SECRET" |
  sed -E 's/.*"access_token":"([^"]*)".*/\1/')
while IFS= read -r body; do
  curl -sS -o /dev/null -w '%{http_code}\n' -X POST \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data-binary "$body" "$BASE_URL/connections"
done <"$1"
