// `npm run setup` twice in a fresh directory: the first run installs and configures, the second
// changes nothing; secrets stay private, out of the output, and encrypted in the database.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { startInstance } from "../../scripts/lib/instance.ts";
import { HOOKS_DIR, MIGRATIONS_DIR } from "../support/paths.ts";
import { runScript, type ScriptResult } from "../ops/run-script.ts";

const root = mkdtempSync(join(tmpdir(), "konvert-setup-"));
const envPath = join(root, ".env");
const dataDir = join(root, "pb_data");
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
// the admin credentials must come from the generated .env, not from the caller's environment
const cleanEnv = { PB_ADMIN_EMAIL: undefined, PB_ADMIN_PASSWORD: undefined };

let first: ScriptResult;
let second: ScriptResult;
let before: { env: string; db: string; marker: string };

beforeAll(async () => {
  const args = ["--root", root, "--no-import", "--app-url", "https://chat.example.com"];
  first = await runScript("setup.ts", args, cleanEnv);
  before = {
    env: sha(envPath),
    db: sha(join(dataDir, "data.db")),
    marker: sha(join(dataDir, "konvert-setup.json")),
  };
  second = await runScript("setup.ts", args, cleanEnv);
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("npm run setup", () => {
  it("installs on the first run and writes owner-only secrets", () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(statSync(envPath).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const env = parseEnv(readFileSync(envPath, "utf8"));
    expect(env["PB_ADMIN_PASSWORD"]?.length).toBeGreaterThanOrEqual(24);
    expect(env["PB_ENCRYPTION_KEY"]).toMatch(/^[\w-]{32}$/);
    expect(env["KONVERT_APP_URL"]).toBe("https://chat.example.com");
    // no secret in what setup prints (it may end up in logs)
    for (const key of ["PB_ADMIN_PASSWORD", "PB_ENCRYPTION_KEY"]) {
      expect(first.stdout).not.toContain(String(env[key]));
    }
  });

  it("changes nothing on the second run", () => {
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Nothing to do/);
    expect(sha(envPath)).toBe(before.env);
    expect(sha(join(dataDir, "data.db"))).toBe(before.db);
    expect(sha(join(dataDir, "konvert-setup.json"))).toBe(before.marker);
    expect(statSync(envPath).mode & 0o777).toBe(0o600);
  });

  it("prints its usage on --help, and a bad option without a stack trace", async () => {
    const help = await runScript("setup.ts", ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe("");
    expect(help.stdout).toMatch(/^usage: npm run setup -- \[options\]/);
    expect(help.stdout).toMatch(/--system/);
    const bad = await runScript("setup.ts", ["--sytem"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--sytem'/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it("leaves an instance that starts with the key, configured and with encrypted settings", async () => {
    // stored settings are not readable without the key
    expect(readFileSync(join(dataDir, "data.db")).includes("trustedProxy")).toBe(false);
    const env = parseEnv(readFileSync(envPath, "utf8"));
    process.env["PB_ENCRYPTION_KEY"] = env["PB_ENCRYPTION_KEY"];
    const instance = await startInstance({
      binary: inject("pbBinary"),
      dataDir,
      hooksDir: HOOKS_DIR,
      migrationsDir: MIGRATIONS_DIR,
      args: ["--encryptionEnv=PB_ENCRYPTION_KEY"],
    });
    try {
      const pb = new PocketBase(instance.url);
      await pb
        .collection("_superusers")
        .authWithPassword(String(env["PB_ADMIN_EMAIL"]), String(env["PB_ADMIN_PASSWORD"]));
      const settings = await pb.settings.getAll();
      expect(settings["meta"]).toMatchObject({ appURL: "https://chat.example.com" });
      expect(settings["trustedProxy"]).toEqual({ headers: ["X-Real-IP"], useLeftmostIP: false });
      expect(settings["smtp"]).toMatchObject({ enabled: false });
      expect(settings["backups"]).toMatchObject({ cron: "0 3 * * *", cronMaxKeep: 7 });
      const rules = (settings["rateLimits"] as { rules: { label: string }[] }).rules;
      expect(rules.map((r) => r.label)).toContain("/api/konvert/presence/");
    } finally {
      await instance.stop();
    }
  });
});
