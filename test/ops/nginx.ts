// Debian's nginx on loopback in front of a test PocketBase, running deploy/nginx.conf itself:
// only ports, the upstream address and certificate paths are swapped for temporary ones.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../scripts/lib/instance.ts";
import { REPO_ROOT } from "../../scripts/lib/repo.ts";

export const NGINX_BIN = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"].find((p) => existsSync(p));

export interface Proxy {
  /** The temp dir with the rendered config, logs and the ACME webroot (`acme/`). */
  dir: string;
  httpsUrl: string;
  httpUrl: string;
  httpsPort: number;
  log: () => string;
  stop: () => Promise<void>;
}

export const ACCESS_LOG = "/var/log/nginx/konvert.access.log";

/**
 * deploy/nginx.conf (or the HTTP-only deploy/nginx-bootstrap.conf) with each production-only
 * value replaced the expected number of times (drift fails loudly).
 */
export function renderSite(
  upstreamPort: number,
  httpPort: number,
  httpsPort: number,
  dir: string,
  file: "nginx.conf" | "nginx-bootstrap.conf" = "nginx.conf",
): string {
  let site = readFileSync(join(REPO_ROOT, "deploy", file), "utf8");
  const swap = (from: string, to: string, times = 1) => {
    const parts = site.split(from);
    if (parts.length !== times + 1) {
      throw new Error(`deploy/${file}: expected "${from}" ${times} time(s)`);
    }
    site = parts.join(to);
  };
  swap("listen 80;", `listen 127.0.0.1:${httpPort};`);
  swap("listen [::]:80;", "");
  swap("root /var/www/letsencrypt;", `root ${join(dir, "acme")};`);
  if (file === "nginx-bootstrap.conf") return site;
  swap("server 127.0.0.1:8090;", `server 127.0.0.1:${upstreamPort};`);
  swap("listen 443 ssl http2;", `listen 127.0.0.1:${httpsPort} ssl http2;`);
  swap("listen [::]:443 ssl http2;", "");
  swap("/etc/letsencrypt/live/chat.example.com/fullchain.pem", join(dir, "cert.pem"));
  swap("/etc/letsencrypt/live/chat.example.com/privkey.pem", join(dir, "key.pem"));
  swap(ACCESS_LOG, join(dir, "konvert.access.log"), 2);
  return site;
}

/** The main config around a site: one process, no daemon, every path inside `dir`. */
function mainConfig(dir: string): string {
  const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`;
  return [
    "daemon off;",
    "master_process off;",
    `pid ${join(dir, "nginx.pid")};`,
    `error_log ${join(dir, "error.log")} warn;`,
    "events { worker_connections 512; }",
    "http {",
    `  access_log ${join(dir, "access.log")};`,
    `  ${temp("client_body")} ${temp("proxy")} ${temp("fastcgi")} ${temp("uwsgi")} ${temp("scgi")}`,
    `  include ${join(dir, "site.conf")};`,
    "}",
  ].join("\n");
}

/** `nginx -t` on a rendered site; returns nginx's verdict and output. */
export function nginxTest(dir: string, site: string): { ok: boolean; output: string } {
  if (!NGINX_BIN) throw new Error("nginx is not installed (.ci/run installs Debian's nginx)");
  writeFileSync(join(dir, "site.conf"), site);
  writeFileSync(join(dir, "nginx.conf"), mainConfig(dir));
  const result = spawnSync(NGINX_BIN, ["-t", "-p", dir, "-c", join(dir, "nginx.conf")], {
    encoding: "utf8",
  });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

export async function startProxy(
  upstreamUrl: string,
  file: "nginx.conf" | "nginx-bootstrap.conf" = "nginx.conf",
): Promise<Proxy> {
  if (!NGINX_BIN) throw new Error("nginx is not installed (.ci/run installs Debian's nginx)");
  const dir = mkdtempSync(join(tmpdir(), "konvert-nginx-"));
  mkdirSync(join(dir, "acme"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "pipe" },
  );
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const upstreamPort = Number(new URL(upstreamUrl).port);
  writeFileSync(join(dir, "site.conf"), renderSite(upstreamPort, httpPort, httpsPort, dir, file));
  writeFileSync(join(dir, "nginx.conf"), mainConfig(dir));
  const log = () => {
    try {
      return readFileSync(join(dir, "error.log"), "utf8");
    } catch {
      return "";
    }
  };
  const child = spawn(NGINX_BIN, ["-p", dir, "-c", join(dir, "nginx.conf")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const stop = async () => {
    await terminate(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(file === "nginx.conf" ? httpsPort : httpPort, child, () => output + log());
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    dir,
    httpsUrl: `https://127.0.0.1:${httpsPort}`,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    httpsPort,
    log: () => output + log(),
    stop,
  };
}

async function waitForPort(port: number, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`nginx exited with ${child.exitCode}:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen within 10 s:\n${output()}`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGQUIT"); // graceful: lets open SSE streams close
  const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
}
