// Deployment files, checked statically: no container engine or systemd runs on CI machines.
import { execFileSync, spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/repo.ts";

const DEPLOY = join(REPO_ROOT, "deploy");
const hasCompose = spawnSync("docker", ["compose", "version"]).status === 0;
const hasSystemd = spawnSync("systemd-analyze", ["--version"]).status === 0;
// Missing tools skip on a developer machine; CI installs them (test/ops/install-tools.sh).
const ci = Boolean(process.env["CI"]);

const tmp = mkdtempSync(join(tmpdir(), "konvert-deploy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface ComposeService {
  build?: { context: string; dockerfile: string };
  network_mode?: string;
  ports?: { target: number; published: string }[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  volumes?: { source: string; target: string }[];
}

describe.skipIf(!hasCompose && !ci)("deploy/compose.yaml", () => {
  // the compose file reads ../.env (written by `npm run setup`); give it a stand-in
  const project = join(tmp, "project");
  cpSync(DEPLOY, join(project, "deploy"), { recursive: true });
  writeFileSync(join(project, ".env"), "PB_ENCRYPTION_KEY=stand-in-key-of-32-characters-xx\n");
  const config = () =>
    JSON.parse(
      execFileSync(
        "docker",
        ["compose", "-f", join(project, "deploy", "compose.yaml"), "config", "--format", "json"],
        { encoding: "utf8" },
      ),
    ) as { services: Record<string, ComposeService> };

  it("parses with `docker compose config`", () => {
    expect(Object.keys(config().services).sort()).toEqual(["nginx", "pocketbase"]);
  });

  it("exposes only nginx's ports, with PocketBase on loopback behind it", () => {
    const { pocketbase, nginx } = config().services;
    expect(nginx?.network_mode).toBe("service:pocketbase");
    expect(pocketbase?.ports?.map((p) => p.target).sort()).toEqual([443, 80]);
    expect(pocketbase?.environment?.["PB_HTTP"]).toBe("127.0.0.1:8090");
    expect(pocketbase?.healthcheck?.test).toEqual(["CMD", "konvert-healthcheck"]);
    expect(nginx?.volumes?.find((v) => v.target.startsWith("/etc/nginx"))?.source).toBe(
      join(project, "deploy", "nginx.conf"),
    );
    const build = pocketbase?.build;
    expect(build && existsSync(join(build.context, build.dockerfile))).toBe(true);
  });
});

describe("deploy/Dockerfile", () => {
  const dockerfile = readFileSync(join(DEPLOY, "Dockerfile"), "utf8");
  const ciScript = readFileSync(join(REPO_ROOT, ".ci", "run"), "utf8")
    .split("\n")
    .map((l) => l.trim());
  const runNpm = [...dockerfile.matchAll(/^RUN (npm .*)$/gm)].map((m) => m[1]);

  it("builds with exactly the npm commands CI runs", () => {
    expect(runNpm).toEqual([
      "npm ci --no-audit --no-fund",
      "npm run --silent get-pocketbase",
      "npm run build",
      "npm run --silent get-litestream",
    ]);
    for (const command of runNpm) expect(ciScript).toContain(command);
  });

  it("copies files that exist, with the scripts executable", () => {
    for (const [, source] of dockerfile.matchAll(/^COPY (deploy\/\S+)/gm)) {
      const path = join(REPO_ROOT, String(source));
      expect(existsSync(path), String(source)).toBe(true);
      accessSync(path, constants.X_OK);
      expect(spawnSync("sh", ["-n", path]).status, `sh -n ${source}`).toBe(0);
    }
    // secrets and local data never enter the build context
    const ignored = readFileSync(join(DEPLOY, "Dockerfile.dockerignore"), "utf8").split("\n");
    for (const entry of [".env", "pb_data", "backups", "node_modules"]) {
      expect(ignored).toContain(entry);
    }
  });
});

describe.skipIf(!hasSystemd && !ci)("systemd units", () => {
  it("pass `systemd-analyze verify` (binaries aside, which live on the server)", () => {
    const units = ["konvert.service", "konvert-backup.service", "konvert-backup.timer"];
    const dir = join(tmp, "units");
    cpSync(DEPLOY, dir, { recursive: true });
    const result = spawnSync("systemd-analyze", ["verify", ...units], {
      cwd: dir,
      encoding: "utf8",
    });
    const problems = `${result.stdout}\n${result.stderr}`
      .split("\n")
      .filter((l) => l.trim() && !/is not executable: No such file or directory/.test(l));
    expect(problems).toEqual([]);
  });
});

describe("the docs and the units agree", () => {
  const unit = readFileSync(join(DEPLOY, "konvert-backup.service"), "utf8");
  const out = /--out (\S+)/.exec(unit)?.[1];

  it("on one backup directory, which the backup unit may write", () => {
    expect(out).toBe("/srv/konvert/backups");
    expect(unit).toContain(`ReadWritePaths=${out}`);
    for (const doc of ["README.md", "docs/operations.md"]) {
      const text = readFileSync(join(REPO_ROOT, doc), "utf8");
      const named = [...text.matchAll(/\/srv\/[\w/-]*backups\b/g)].map((m) => m[0]);
      expect(named.length, doc).toBeGreaterThan(0);
      expect(new Set(named), doc).toEqual(new Set([out]));
    }
  });

  it("on the install steps: both units and the timer are enabled", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    expect(readme).toMatch(/systemctl enable --now konvert konvert-backup\.timer/);
    expect(readme).toMatch(
      /cp deploy\/konvert\.service deploy\/konvert-backup\.service deploy\/konvert-backup\.timer/,
    );
  });
});
