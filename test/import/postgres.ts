// A throwaway PostgreSQL cluster for the import tests: Debian's binaries, a temp dir, a free
// port, trust auth on loopback. PostgreSQL refuses to run as root, so as root it runs as postgres.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "../../scripts/lib/instance.ts";

export interface Postgres {
  url: string;
  bin: (name: string) => string;
  stop: () => void;
}

function binDir(): string {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root))
    throw new Error("PostgreSQL is not installed (apt-get install postgresql).");
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return join(root, version ?? "", "bin");
}

export async function startPostgres(): Promise<Postgres> {
  const bin = (name: string) => join(binDir(), name);
  const dir = mkdtempSync(join(tmpdir(), "konvert-pg-"));
  const asRoot = userInfo().uid === 0;
  const run = (cmd: string, args: string[]) =>
    asRoot
      ? execFileSync("runuser", ["-u", "postgres", "--", cmd, ...args], { stdio: "pipe" })
      : execFileSync(cmd, args, { stdio: "pipe" });
  if (asRoot) {
    const pw = execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim();
    const gid = execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim();
    chownSync(dir, Number(pw), Number(gid));
  }
  const data = join(dir, "data");
  run(bin("initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  run(bin("pg_ctl"), [
    "-D",
    data,
    "-w",
    "-l",
    join(dir, "log"),
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    "start",
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    bin,
    stop: () => {
      try {
        run(bin("pg_ctl"), ["-D", data, "-m", "immediate", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
