// A superuser password that starts with "-": generated passwords are base64url, so about one in
// 32 does. `pocketbase superuser upsert EMAIL PASSWORD` took it for a flag, and setup, the
// preflight of `npm start`, the systemd unit and the container refused to start.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { afterAll, expect, inject, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/repo.ts";
import { runScript } from "../ops/run-script.ts";

const root = mkdtempSync(join(tmpdir(), "konvert-dash-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const admin = {
  PB_ADMIN_EMAIL: "dash@konvert.local",
  PB_ADMIN_PASSWORD: "-dashing-start-0123456789",
};

it("setup and the preflight accept a password starting with a dash", async () => {
  const setup = await runScript("setup.ts", ["--root", root, "--no-import"], admin);
  expect(setup.stderr).toBe("");
  expect(setup.code).toBe(0);
  const generated = parseEnv(readFileSync(join(root, ".env"), "utf8"));
  const preflight = spawnSync(
    "sh",
    [
      join(REPO_ROOT, "deploy", "konvert-preflight.sh"),
      inject("pbBinary"),
      join(root, "pb_data"),
      join(REPO_ROOT, "pb_hooks"),
      join(REPO_ROOT, "pb_migrations"),
    ],
    {
      encoding: "utf8",
      // the settings are encrypted with the key setup generated
      env: { ...process.env, ...admin, PB_ENCRYPTION_KEY: generated["PB_ENCRYPTION_KEY"] },
    },
  );
  expect(preflight.stderr).toBe("");
  expect(preflight.status).toBe(0);
}, 120_000);
