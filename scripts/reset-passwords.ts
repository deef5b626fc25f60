// `npm run reset-passwords`: sends PocketBase's password-reset e-mail to every user who has no
// usable password (the import could not carry over an empty, OAuth-only or non-bcrypt hash; its
// report lists them as `usersNeedingReset`). The server sends the mails through its SMTP
// settings (dashboard: Settings > Mail settings).
//
//   npm run reset-passwords -- [--url URL] [--dry-run] [--per-second N]
//
// Credentials: PB_ADMIN_EMAIL / PB_ADMIN_PASSWORD from the environment or `.env`.
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import PocketBase, { ClientResponseError } from "pocketbase";
import { loadEnvFile } from "./lib/env-file.ts";
import { ENV_FILE } from "./lib/superuser.ts";

interface Target {
  id: string;
  email: string;
  username: string;
}

const USAGE = `usage: npm run reset-passwords -- [--url URL] [--dry-run] [--per-second N]

Sends the password-reset e-mail to every user without a usable password.
  --url URL         the server (default http://$PB_HTTP or http://127.0.0.1:8090)
  --dry-run         list who would get an e-mail, send nothing
  --per-second N    at most N e-mails a second (default 2; SMTP providers throttle bursts)`;

async function main(): Promise<number> {
  loadEnvFile(ENV_FILE);
  const { values: opts } = parseArgs({
    options: {
      url: { type: "string", default: `http://${process.env["PB_HTTP"] ?? "127.0.0.1:8090"}` },
      "dry-run": { type: "boolean", default: false },
      "per-second": { type: "string", default: "2" },
      help: { type: "boolean", default: false },
    },
  });
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const perSecond = Number(opts["per-second"]);
  if (!Number.isFinite(perSecond) || perSecond <= 0) {
    throw new Error(`--per-second must be a positive number, got "${opts["per-second"]}"`);
  }
  const email = process.env["PB_ADMIN_EMAIL"];
  const password = process.env["PB_ADMIN_PASSWORD"];
  if (!email || !password) {
    throw new Error("set PB_ADMIN_EMAIL and PB_ADMIN_PASSWORD (or run `npm run setup`)");
  }
  const pb = new PocketBase(opts.url);
  pb.autoCancellation(false);
  await pb.collection("_superusers").authWithPassword(email, password);
  const { users } = await pb.send<{ users: Target[] }>(
    "/api/konvert/admin/users-without-password",
    {},
  );
  if (opts["dry-run"]) {
    for (const user of users) console.log(`would send: ${user.email} (${user.username})`);
    console.log(`dry run: ${users.length} user(s) without a usable password; nothing sent`);
    return 0;
  }
  if (users.length > 0) {
    const settings = await pb.settings.getAll();
    const smtp = (settings as { smtp?: { enabled?: boolean } }).smtp;
    if (!smtp?.enabled) {
      throw new Error(
        "SMTP is not enabled on the server (dashboard: Settings > Mail settings): " +
          `${users.length} e-mail(s) would not be delivered`,
      );
    }
  }
  const gapMs = 1000 / perSecond;
  const failed: string[] = [];
  for (const [i, user] of users.entries()) {
    const started = Date.now();
    try {
      await pb.collection("users").requestPasswordReset(user.email);
      console.log(`sent ${i + 1}/${users.length}: ${user.email}`);
    } catch (err) {
      const why =
        err instanceof ClientResponseError ? `HTTP ${err.status} ${err.message}` : String(err);
      failed.push(`${user.email}: ${why}`);
      console.error(`failed ${i + 1}/${users.length}: ${user.email}: ${why}`);
    }
    const wait = gapMs - (Date.now() - started);
    if (wait > 0 && i < users.length - 1) await sleep(wait);
  }
  console.log(`${users.length - failed.length} e-mail(s) sent, ${failed.length} failed`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`reset-passwords failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
