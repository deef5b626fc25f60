#!/bin/sh
# Prints the Litestream config for the data dir in $1 from the environment (.env): the same
# content `npm run setup` writes to litestream.yml (scripts/lib/replication.ts; a test keeps the
# two equal). The container needs it because its data dir path is not the host's.
set -eu
dir="${1:?usage: litestream-config.sh DATA_DIR}"
url="${KONVERT_REPLICA_URL:?KONVERT_REPLICA_URL is not set}"
url="${url%/}"
case "$url" in
  s3://* | file:///*) ;;
  *) echo "KONVERT_REPLICA_URL must be s3://bucket/path or file:///path" >&2; exit 1 ;;
esac
interval="${KONVERT_REPLICA_SYNC_INTERVAL:-1s}"
extra=""
case "$url" in
  s3://*)
    if [ -n "${KONVERT_REPLICA_ENDPOINT:-}" ]; then
      extra="$extra, \"endpoint\": \"$KONVERT_REPLICA_ENDPOINT\", \"force-path-style\": true"
    fi
    if [ -n "${KONVERT_REPLICA_REGION:-}" ]; then
      extra="$extra, \"region\": \"$KONVERT_REPLICA_REGION\""
    fi
    ;;
esac
cat <<JSON
{"dbs": [{"path": "$dir/data.db", "replica": {"url": "$url/data.db", "sync-interval": "$interval"$extra}}],
 "snapshot": {"interval": "24h", "retention": "72h"}}
JSON
