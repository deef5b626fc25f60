#!/bin/sh
# Container start: check the data dir and key, make sure the superuser from .env exists, then
# serve on the loopback address shared with the nginx container (compose: network_mode
# "service:pocketbase").
set -eu
# With a replica configured (KONVERT_REPLICA_URL in .env), this script runs again as the child of
# `litestream replicate -exec`: replication starts before PocketBase and both stop together.
if [ -n "${KONVERT_REPLICA_URL:-}" ] && [ -z "${KONVERT_UNDER_LITESTREAM:-}" ]; then
  konvert-litestream-config /srv/konvert/pb_data >/tmp/litestream.yml
  export KONVERT_UNDER_LITESTREAM=1
  exec litestream replicate -config /tmp/litestream.yml -exec konvert-entrypoint
fi
dirs="--dir=/srv/konvert/pb_data --hooksDir=/srv/konvert/pb_hooks --migrationsDir=/srv/konvert/pb_migrations"
: "${PB_ENCRYPTION_KEY:?set PB_ENCRYPTION_KEY (npm run setup writes it to .env)}"
# the checks and the superuser upsert the systemd unit and `npm start` run too
konvert-preflight "$(command -v pocketbase)" /srv/konvert/pb_data /srv/konvert/pb_hooks \
  /srv/konvert/pb_migrations
# shellcheck disable=SC2086
exec pocketbase serve --http="${PB_HTTP:-127.0.0.1:8090}" $dirs \
  --encryptionEnv=PB_ENCRYPTION_KEY --origins="${KONVERT_ORIGINS:-*}" \
  --hooksPool=64 --hooksWatch=false --automigrate=false
