#!/bin/sh
# Before PocketBase serves (systemd ExecStartPre, the container's entrypoint, `npm start`): the
# checks whose failures PocketBase reports only as "unable to open database file (14)" or
# "cipher: message authentication failed", said in words, then the superuser from .env applied
# (PB_ADMIN_EMAIL / PB_ADMIN_PASSWORD), so a password changed in .env takes effect on restart.
#   konvert-preflight.sh POCKETBASE DATA_DIR HOOKS_DIR MIGRATIONS_DIR
set -u
bin=$1 dir=$2 hooks=$3 migrations=$4
me=$(id -un 2>/dev/null || id -u)
fail() {
  echo "konvert: $*" >&2
  exit 1
}

[ -f "$hooks/main.pb.js" ] ||
  fail "no Konvert hooks in $hooks (main.pb.js is missing): PocketBase would run without Konvert's rules. Point --hooksDir at the checkout's pb_hooks/."
for path in "$dir" "$dir/data.db"; do
  [ -e "$path" ] && ! [ -w "$path" ] || continue
  if [ "$(id -u)" = 0 ] || [ "$(stat -c %u "$path")" = "$(id -u)" ]; then
    fail "$path is on a read-only file system: PocketBase cannot write its database there (mount it read-write)."
  fi
  fail "$path is not writable by $me ($(stat -c 'owner %U, mode %a' "$path" 2>/dev/null)): run the server as the data dir's owner (the systemd unit runs as konvert), or hand it over: chown -R $me $dir"
done
if [ -e "$dir" ] && ! (: >"$dir/.konvert-write-test") 2>/dev/null; then
  fail "$dir cannot be written by $me (a read-only file system, or the disk is full)."
fi
rm -f "$dir/.konvert-write-test"

[ -n "${PB_ADMIN_EMAIL:-}" ] && [ -n "${PB_ADMIN_PASSWORD:-}" ] || exit 0
enc=""
[ -n "${PB_ENCRYPTION_KEY:-}" ] && enc="--encryptionEnv=PB_ENCRYPTION_KEY"
# the credentials after "--": a generated password may start with "-", which is not a flag
# shellcheck disable=SC2086
out=$("$bin" superuser upsert --dir="$dir" --hooksDir="$hooks" --migrationsDir="$migrations" \
  --hooksWatch=false $enc -- "$PB_ADMIN_EMAIL" "$PB_ADMIN_PASSWORD" 2>&1) && exit 0
case $out in
*"message authentication failed"* | *"failed to decrypt"*)
  fail "PB_ENCRYPTION_KEY is not the key the settings in $dir were encrypted with: use the .env of the instance this data came from (a restored backup needs its original key). PocketBase said: $out" ;;
*"readonly database"* | *"read-only file system"*)
  fail "$dir is read-only for $me. PocketBase said: $out" ;;
*"unable to open database file"*)
  fail "PocketBase cannot open the database in $dir as $me: check that the data dir exists, belongs to $me and is writable. PocketBase said: $out" ;;
*"disk is full"* | *"no space left"*)
  fail "the disk holding $dir is full: free space, then start again. PocketBase said: $out" ;;
*)
  fail "applying the superuser from .env failed: $out" ;;
esac
