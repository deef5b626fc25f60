#!/bin/sh
# Container start: check the data dir and key, make sure the superuser from .env exists, then
# serve on the loopback address shared with the nginx container (compose: network_mode
# "service:pocketbase").
set -eu
dirs="--dir=/srv/konvert/pb_data --hooksDir=/srv/konvert/pb_hooks --migrationsDir=/srv/konvert/pb_migrations"
: "${PB_ENCRYPTION_KEY:?set PB_ENCRYPTION_KEY (npm run setup writes it to .env)}"
# the checks and the superuser upsert the systemd unit and `npm start` run too
konvert-preflight "$(command -v pocketbase)" /srv/konvert/pb_data /srv/konvert/pb_hooks \
  /srv/konvert/pb_migrations
# shellcheck disable=SC2086
exec pocketbase serve --http="${PB_HTTP:-127.0.0.1:8090}" $dirs \
  --encryptionEnv=PB_ENCRYPTION_KEY --origins="${KONVERT_ORIGINS:-*}" \
  --hooksPool=64 --hooksWatch=false --automigrate=false
