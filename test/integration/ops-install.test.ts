// The operator's path, followed on this machine: a fresh copy of the checkout, `npm ci
// --omit=dev` (no devDependencies), `sudo npm run setup -- --system`, then the systemd units'
// own command lines run as the service user (no systemd in CI: the test reads ExecStartPre,
// ExecStart and EnvironmentFile from the unit files and runs them as systemd would), a backup
// through the backup unit, a password change in .env applied by a restart, and `npm start`.
// Needs root (it creates a system user); CI runs as root.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseEnv } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort } from "../../scripts/lib/instance.ts";
import { REPO_ROOT } from "../../scripts/lib/repo.ts";

const isRoot = process.getuid?.() === 0;
const user = `kvt${Math.random().toString(36).slice(2, 8)}`;
const base = mkdtempSync(join(tmpdir(), "konvert-install-"));
chmodSync(base, 0o755); // the service user must be able to reach the checkout, as in /srv
const checkout = join(base, "srv", "konvert");
const bin = join(base, "usr", "local", "bin", "pocketbase");
const acme = join(base, "var", "www", "letsencrypt");
const npmHome = join(base, "home");
const pbCache = dirname(dirname(inject("pbBinary")));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: Parameters<typeof spawnSync>[2] = {}): Run {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 << 20, ...options });
  return {
    code: result.status,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
  };
}

/** A unit file's directive, continuation lines joined, production paths swapped for ours. */
function directive(unit: string, key: string): string[] {
  const text = readFileSync(join(checkout, "deploy", unit), "utf8").replace(/\\\n\s*/g, " ");
  return [...text.matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].map((m) =>
    String(m[1])
      .replaceAll("/usr/local/bin/pocketbase", bin)
      .replaceAll("/srv/konvert", checkout)
      .replaceAll("/usr/bin/node", process.execPath),
  );
}

/** systemd's `${VAR}` expansion from the EnvironmentFile, then words split on blanks. */
function commandLine(line: string, env: Record<string, string>): string[] {
  return line
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/\$\{(\w+)\}/g, (_, name: string) => env[name] ?? ""));
}

function unitEnv(unit: string): Record<string, string> {
  const [file] = directive(unit, "EnvironmentFile");
  expect(file, `${unit}: EnvironmentFile`).toBeDefined();
  const parsed = parseEnv(readFileSync(String(file), "utf8"));
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

function ids(): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync("id", ["-u", user], { encoding: "utf8" })),
    gid: Number(execFileSync("id", ["-g", user], { encoding: "utf8" })),
  };
}

/** What `systemctl start konvert` does: ExecStartPre, then ExecStart, as the unit's user. */
async function startUnit(): Promise<{ child: ChildProcess; output: () => string; url: string }> {
  const env = unitEnv("konvert.service");
  const [cwd] = directive("konvert.service", "WorkingDirectory");
  const asUser = { ...ids(), cwd, env: { PATH: process.env["PATH"] ?? "", ...env } };
  for (const line of directive("konvert.service", "ExecStartPre")) {
    const [command, ...args] = commandLine(line, env);
    const pre = run(String(command), args, asUser);
    expect(pre.code, `ExecStartPre: ${pre.stderr}`).toBe(0);
  }
  const [line] = directive("konvert.service", "ExecStart");
  const [command, ...args] = commandLine(String(line), env);
  const child = spawn(String(command), args, { ...asUser, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const url = `http://${env["PB_HTTP"]}`;
  await waitFor(`${url}/api/konvert/health`, child, () => output);
  return { child, output: () => output, url };
}

async function stopUnit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function waitFor(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer 200 within 30 s:\n${output()}`);
}

function setEnvKey(key: string, value: string): void {
  const path = join(checkout, ".env");
  const text = readFileSync(path, "utf8");
  writeFileSync(path, text.replace(new RegExp(`^${key}=.*$`, "m"), `${key}=${value}`));
}

/** What the backup unit runs, as its user, with its EnvironmentFile. */
function runBackupUnit(): Run {
  const env = unitEnv("konvert-backup.service");
  const [line] = directive("konvert-backup.service", "ExecStart");
  const [cwd] = directive("konvert-backup.service", "WorkingDirectory");
  const [command, ...args] = commandLine(String(line), env);
  return run(String(command), args, {
    ...ids(),
    cwd,
    env: { PATH: process.env["PATH"] ?? "", HOME: npmHome, ...env },
  });
}

let install: Run;
let setup: Run;

beforeAll(() => {
  if (!isRoot) return;
  // a fresh copy of what a clone holds (tracked and new files), without installed packages
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  })
    .split("\0")
    .filter((f) => f && existsSync(join(REPO_ROOT, f)));
  for (const file of files) {
    mkdirSync(dirname(join(checkout, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(checkout, file));
  }
  mkdirSync(dirname(bin), { recursive: true });
  cpSync(inject("pbBinary"), bin); // `sudo install .pocketbase/<version>/pocketbase /usr/local/bin/`
  mkdirSync(npmHome);
  // the pinned PocketBase is already verified in this cache: postinstall finds it there
  const env = {
    ...process.env,
    KONVERT_PB_DIR: pbCache,
    npm_config_cache: join(process.env["HOME"] ?? "/root", ".npm"),
  };
  install = run("npm", ["ci", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: checkout,
    env,
  });
  setup = run(
    "npm",
    [
      "run",
      "setup",
      "--",
      "--system",
      "--user",
      user,
      "--acme-dir",
      acme,
      "--app-url",
      "https://chat.example.com",
      "--no-import",
    ],
    { cwd: checkout, env },
  );
}, 300_000);

afterAll(() => {
  if (isRoot) spawnSync("userdel", ["--force", user]); // even if a failed test left a process behind;
  rmSync(base, { recursive: true, force: true });
});

describe.skipIf(!isRoot && !process.env["CI"])("production install as written", () => {
  it("installs without devDependencies", () => {
    expect(install.code, install.stderr).toBe(0);
    expect(existsSync(join(checkout, "node_modules", "vitest"))).toBe(false);
    expect(existsSync(join(checkout, "node_modules", "tsx"))).toBe(true);
  });

  it("setup --system creates the service user, its directories and the ACME webroot", () => {
    expect(setup.code, setup.stderr).toBe(0);
    const { uid } = ids();
    for (const [path, mode] of [
      [join(checkout, ".env"), 0o600],
      [join(checkout, "pb_data"), 0o700],
      [join(checkout, "backups"), 0o700],
    ] as const) {
      expect(statSync(path).uid, path).toBe(uid);
      expect(statSync(path).mode & 0o777, path).toBe(mode);
    }
    expect(existsSync(join(acme, ".well-known", "acme-challenge"))).toBe(true);
    // every directory the units may write exists
    for (const unit of ["konvert.service", "konvert-backup.service"]) {
      for (const dir of directive(unit, "ReadWritePaths")) expect(existsSync(dir), dir).toBe(true);
    }
  });

  it("the operator's scripts run without devDependencies", () => {
    for (const script of ["setup", "backup", "restore", "import", "reset-passwords"]) {
      const help = run("npm", ["run", "--silent", script, "--", "--help"], { cwd: checkout });
      expect(help.code, `${script}: ${help.stderr}`).toBe(0);
      expect(help.stdout + help.stderr).toMatch(/usage/i);
    }
  });

  it("the units serve as the service user, back up, and apply a new password from .env", async () => {
    setEnvKey("PB_HTTP", `127.0.0.1:${await freePort()}`);
    let unit = await startUnit();
    try {
      const health = (await (await fetch(`${unit.url}/api/konvert/health`)).json()) as {
        status: string;
      };
      expect(health.status).toBe("ok");
      const first = runBackupUnit();
      expect(first.code, first.stderr).toBe(0);

      // the operator changes the superuser password in .env and restarts the service
      setEnvKey("PB_ADMIN_PASSWORD", "a-new-password-from-dotenv");
      await stopUnit(unit.child);
      unit = await startUnit();
      const second = runBackupUnit();
      expect(second.code, second.stderr).toBe(0);
      const zips = readdirSync(join(checkout, "backups")).filter((f) => f.endsWith(".zip"));
      expect(zips.length).toBeGreaterThanOrEqual(1);
      for (const zip of zips) expect(statSync(join(checkout, "backups", zip)).uid).toBe(ids().uid);
    } finally {
      await stopUnit(unit.child);
    }
  }, 120_000);

  it("started as another user, the unit's preflight says whose data dir it is", () => {
    const env = unitEnv("konvert.service");
    const [line] = directive("konvert.service", "ExecStartPre");
    const [command, ...args] = commandLine(String(line), env);
    const nobody = Number(execFileSync("id", ["-u", "nobody"], { encoding: "utf8" }));
    const result = run(String(command), args, {
      uid: nobody,
      gid: nobody,
      cwd: checkout,
      env: { PATH: process.env["PATH"] ?? "", ...env },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `pb_data is not writable by nobody \\(owner ${user}, mode 700\\): run the server as the data dir's owner`,
      ),
    );
  });

  it("npm start serves as the service user after the install", async () => {
    const port = await freePort();
    const child = spawn("npm", ["start"], {
      ...ids(),
      cwd: checkout,
      env: {
        PATH: process.env["PATH"] ?? "",
        HOME: npmHome,
        PB_HTTP: `127.0.0.1:${port}`,
        KONVERT_PB_DIR: pbCache, // where the install put the pinned PocketBase
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      await waitFor(`http://127.0.0.1:${port}/api/konvert/health`, child, () => output);
      expect(output).not.toMatch(/hooks are not loaded|unhealthy/);
    } finally {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGTERM");
      await exited;
    }
  }, 90_000);
});
