#!/bin/sh
# Container start: make sure the superuser from .env exists, then serve on the loopback address
# shared with the nginx container (compose: network_mode "service:pocketbase").
set -eu
dirs="--dir=/srv/konvert/pb_data --hooksDir=/srv/konvert/pb_hooks --migrationsDir=/srv/konvert/pb_migrations"
: "${PB_ENCRYPTION_KEY:?set PB_ENCRYPTION_KEY (npm run setup writes it to .env)}"
if [ -n "${PB_ADMIN_EMAIL:-}" ] && [ -n "${PB_ADMIN_PASSWORD:-}" ]; then
  # shellcheck disable=SC2086
  pocketbase superuser upsert "$PB_ADMIN_EMAIL" "$PB_ADMIN_PASSWORD" $dirs \
    --encryptionEnv=PB_ENCRYPTION_KEY >/dev/null
fi
# shellcheck disable=SC2086
exec pocketbase serve --http="${PB_HTTP:-127.0.0.1:8090}" $dirs \
  --encryptionEnv=PB_ENCRYPTION_KEY --origins="${KONVERT_ORIGINS:-*}" \
  --hooksPool=64 --hooksWatch=false --automigrate=false
