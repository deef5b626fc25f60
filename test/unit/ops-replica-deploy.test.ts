// The replication parts of the deployment files, checked statically: the container's config
// generator writes what setup writes, and the sidecar unit passes `systemd-analyze verify`.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/lib/repo.ts";
import { litestreamConfigText, replicaFromEnv } from "../../scripts/lib/replication.ts";

const DEPLOY = join(REPO_ROOT, "deploy");
const tmp = mkdtempSync(join(tmpdir(), "konvert-replica-deploy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fromShell = (env: Record<string, string>) =>
  JSON.parse(
    execFileSync("sh", [join(DEPLOY, "litestream-config.sh"), "/srv/konvert/pb_data"], {
      env: { PATH: process.env["PATH"] ?? "", ...env },
      encoding: "utf8",
    }),
  ) as unknown;
const fromSetup = (env: Record<string, string>) => {
  const text = litestreamConfigText("/srv/konvert/pb_data", replicaFromEnv(env)!);
  return JSON.parse(text.slice(text.indexOf("{"))) as unknown;
};

describe("container replication config (deploy/litestream-config.sh)", () => {
  it.each<Record<string, string>>([
    { KONVERT_REPLICA_URL: "s3://bucket/konvert/" },
    {
      KONVERT_REPLICA_URL: "s3://bucket/konvert",
      KONVERT_REPLICA_ENDPOINT: "http://minio:9000",
      KONVERT_REPLICA_REGION: "eu-1",
      KONVERT_REPLICA_SYNC_INTERVAL: "500ms",
    },
    { KONVERT_REPLICA_URL: "file:///var/replica" },
  ])("equals what setup writes for %o", (env) => {
    expect(fromShell(env)).toEqual(fromSetup(env));
  });

  it("refuses a replica URL it cannot use", () => {
    const result = spawnSync("sh", [join(DEPLOY, "litestream-config.sh"), "/x"], {
      env: { KONVERT_REPLICA_URL: "ftp://x" },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/must be s3:/);
  });

  it("the entrypoint runs itself under Litestream only when a replica is configured", () => {
    const entrypoint = readFileSync(join(DEPLOY, "docker-entrypoint.sh"), "utf8");
    expect(entrypoint).toMatch(
      /KONVERT_REPLICA_URL:-\}" \] && \[ -z "\$\{KONVERT_UNDER_LITESTREAM:-\}" \]/,
    );
    expect(entrypoint).toContain(
      "exec litestream replicate -config /tmp/litestream.yml -exec konvert-entrypoint",
    );
    const dockerfile = readFileSync(join(DEPLOY, "Dockerfile"), "utf8");
    expect(dockerfile).toContain("npm run --silent get-litestream");
    expect(dockerfile).toContain("/usr/local/bin/konvert-litestream-config");
  });
});

const hasSystemd = spawnSync("systemd-analyze", ["--version"]).status === 0;
describe.skipIf(!hasSystemd && !process.env["CI"])("deploy/konvert-litestream.service", () => {
  it("passes `systemd-analyze verify` and stops with konvert.service", () => {
    const dir = join(tmp, "units");
    cpSync(DEPLOY, dir, { recursive: true });
    const result = spawnSync("systemd-analyze", ["verify", "konvert-litestream.service"], {
      cwd: dir,
      encoding: "utf8",
    });
    const problems = `${result.stdout}\n${result.stderr}`
      .split("\n")
      .filter((l) => l.trim() && !/is not executable: No such file or directory/.test(l));
    expect(problems).toEqual([]);
    const unit = readFileSync(join(DEPLOY, "konvert-litestream.service"), "utf8");
    expect(unit).toMatch(/^BindsTo=konvert\.service$/m);
    expect(unit).toMatch(/^EnvironmentFile=\/srv\/konvert\/\.env$/m);
  });
});
