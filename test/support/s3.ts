// A real S3-compatible server for the tests: SeaweedFS's `weed`, built once from the Go module
// proxy at a pinned version and cached outside the repository (~/.cache/konvert/), started on
// loopback with one access key, its buckets made with `weed shell`, stopped after the file.
//
//   tsx test/support/s3.ts --build     (CI: build or find the cached binary)
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, renameSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../scripts/lib/instance.ts";

const execFileAsync = promisify(execFile);

export const WEED_MODULE = "github.com/seaweedfs/seaweedfs";
export const WEED_VERSION = "v0.0.0-20261109003541-7506e5f91cd6";

export function weedPath(): string {
  const override = process.env["KONVERT_WEED_BIN"];
  if (override) return resolve(override);
  return join(homedir(), ".cache", "konvert", `weed-${WEED_VERSION}`);
}

function goBinary(): string {
  return existsSync("/usr/local/go/bin/go") ? "/usr/local/go/bin/go" : "go";
}

/**
 * Builds `weed` unless the cached binary exists. `go install module/weed@version` refuses the
 * module (its go.mod has a replace directive), so the module's own source is built inside a
 * writable copy, with its own go.mod and go.sum.
 */
export async function ensureWeed(log: (m: string) => void = () => {}): Promise<string> {
  const bin = weedPath();
  if (existsSync(bin)) return bin;
  const go = goBinary();
  const started = performance.now();
  log(`building ${WEED_MODULE}/weed@${WEED_VERSION} (once; cached at ${bin})`);
  const { stdout } = await execFileAsync(
    go,
    ["mod", "download", "-json", `${WEED_MODULE}@${WEED_VERSION}`],
    { maxBuffer: 16 << 20, timeout: 15 * 60_000 },
  );
  const source = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!source) throw new Error(`go mod download gave no source dir: ${stdout}`);
  const work = mkdtempSync(join(tmpdir(), "konvert-weed-src-"));
  try {
    cpSync(source, work, { recursive: true });
    chmodSync(work, 0o755);
    const staged = `${bin}.${process.pid}.tmp`;
    mkdirSync(join(bin, ".."), { recursive: true });
    await execFileAsync(go, ["build", "-trimpath", "-ldflags=-s -w", "-o", staged, "./weed"], {
      cwd: work,
      env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=readonly" },
      maxBuffer: 64 << 20,
      timeout: 40 * 60_000,
    });
    renameSync(staged, bin);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log(`weed built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return bin;
}

/**
 * Litestream 0.5.17's S3 client fails to start when AWS_CA_BUNDLE is set ("unable to add custom
 * RootCAs HTTPClient"), as it is on some machines; the test server is plain HTTP on loopback, so
 * the tests that run Litestream drop it (docs/operations.md, Troubleshooting).
 */
export function dropAwsCaBundle(): void {
  delete process.env["AWS_CA_BUNDLE"];
}

export interface S3Server {
  /** http://127.0.0.1:<port> of the S3 gateway. */
  endpoint: string;
  accessKey: string;
  secret: string;
  region: string;
  /** Makes a bucket (idempotent). */
  createBucket: (name: string) => Promise<void>;
  /** Object keys under `prefix` in `bucket`, read through the filer (not through S3). */
  listKeys: (bucket: string, prefix?: string) => Promise<string[]>;
  output: () => string;
  stop: () => Promise<void>;
}

async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

export async function startS3(options: { buckets?: string[] } = {}): Promise<S3Server> {
  const bin = await ensureWeed();
  const dir = mkdtempSync(join(tmpdir(), "konvert-weed-"));
  const accessKey = `konvert${randomBytes(4).toString("hex")}`;
  const secret = randomBytes(18).toString("base64url");
  const s3Config = join(dir, "s3.json");
  writeFileSync(
    s3Config,
    JSON.stringify({
      identities: [
        {
          name: "konvert",
          credentials: [{ accessKey, secretKey: secret }],
          actions: ["Admin", "Read", "List", "Tagging", "Write"],
        },
      ],
    }),
  );
  mkdirSync(join(dir, "data"));
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = await freePorts(8);
  const args = [
    "server",
    "-ip=127.0.0.1",
    "-ip.bind=127.0.0.1",
    `-dir=${join(dir, "data")}`,
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    "-master.telemetry=false",
    "-master.volumeSizeLimitMB=64",
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    "-volume.max=200",
    "-volume.minFreeSpace=64MiB",
    "-filer",
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    "-s3",
    `-s3.port=${s3}`,
    `-s3.port.grpc=${s3Grpc}`,
    "-s3.port.iceberg=0",
    "-s3.port.lance=0",
    `-s3.config=${s3Config}`,
  ];
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], cwd: dir });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const endpoint = `http://127.0.0.1:${s3}`;
  const filerUrl = `http://127.0.0.1:${filer}`;
  const stop = async () => {
    await terminate(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const shell = async (command: string) => {
    const run = spawn(bin, ["shell", `-master=127.0.0.1:${master}.${masterGrpc}`], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let text = "";
    run.stdout.on("data", (c: Buffer) => (text += c.toString()));
    run.stderr.on("data", (c: Buffer) => (text += c.toString()));
    run.stdin.end(`${command}\nexit\n`);
    const code = await new Promise<number>((r) => run.on("exit", (c) => r(c ?? 1)));
    if (code !== 0) throw new Error(`weed shell "${command}" exited ${code}: ${text}`);
    return text;
  };
  const createBucket = async (name: string) => {
    const listed = await shell("s3.bucket.list");
    if (new RegExp(`^\\s*${name}\\b`, "m").test(listed)) return;
    const text = await shell(`s3.bucket.create -name ${name}`);
    if (/error/i.test(text)) throw new Error(`s3.bucket.create ${name}: ${text}`);
  };
  const listKeys = async (bucket: string, prefix = ""): Promise<string[]> => {
    const keys: string[] = [];
    const walk = async (path: string): Promise<void> => {
      const res = await fetch(`${filerUrl}/buckets/${bucket}/${path}?limit=10000`, {
        headers: { Accept: "application/json" },
      });
      if (res.status === 404) return;
      if (!res.ok) throw new Error(`filer listing ${path}: HTTP ${res.status}`);
      const body = (await res.json()) as {
        Entries?: { FullPath: string; Mode: number }[] | null;
      };
      for (const entry of body.Entries ?? []) {
        const rel = entry.FullPath.slice(`/buckets/${bucket}/`.length);
        // Go's os.ModeDir bit
        if (entry.Mode & 0x80000000) await walk(`${rel}/`);
        else keys.push(rel);
      }
    };
    await walk(prefix);
    return keys.sort();
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`weed exited ${child.exitCode}:\n${output}`);
      // an unsigned request gets 403 from the gateway once it serves
      const res = await fetch(`${endpoint}/`).catch(() => null);
      return res !== null && res.status < 500;
    }, `weed's S3 gateway on ${endpoint}`);
    for (const bucket of options.buckets ?? []) {
      await waitFor(async () => {
        try {
          await createBucket(bucket);
          return true;
        } catch {
          return false; // the master is still electing itself leader
        }
      }, `bucket ${bucket}`);
    }
  } catch (err) {
    await stop();
    throw err instanceof Error ? new Error(`${err.message}\n${output.slice(-3000)}`) : err;
  }
  return {
    endpoint,
    accessKey,
    secret,
    region: "us-east-1",
    createBucket,
    listKeys,
    output: () => output,
    stop,
  };
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  if (!process.argv.includes("--build")) {
    console.log("Usage: tsx test/support/s3.ts --build   (builds or finds the cached weed)");
  } else {
    ensureWeed((m) => console.log(m)).then(
      (bin) => console.log(`weed ready: ${bin}`),
      (err: unknown) => {
        console.error(`weed build failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      },
    );
  }
}
