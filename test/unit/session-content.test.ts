// The hooks' pure-JS reader of the original client's session "encryption", checked against Node's
// crypto (the reference the import tool uses) on round-trip vectors.
import { randomBytes } from "node:crypto";
import { gcm } from "@noble/ciphers/aes.js";
import { describe, expect, it } from "vitest";
import { CONTENT_MAX } from "../../hooks-src/konvert/rules/messages.ts";
import {
  base64Bytes,
  decodedSessionContent,
  openSessionEnvelope,
  parseSessionEnvelope,
  SESSION_DECODE_MAX_BYTES,
  SESSION_KEY,
  utf8Text,
} from "../../hooks-src/konvert/rules/session-content.ts";
import { decryptSessionContent } from "../../scripts/import/session-crypto.ts";
import { sealSession as seal, sessionKey } from "../support/session-seal.ts";

const gcmOpen = (key: Uint8Array, iv: Uint8Array, sealed: Uint8Array) =>
  gcm(key, iv).decrypt(sealed);

describe("session content", () => {
  it("uses SHA-256 of the client's constant as the key", () => {
    expect(Buffer.from(SESSION_KEY).equals(sessionKey())).toBe(true);
  });

  it("opens what Node sealed, like the import tool does", () => {
    const texts = [
      "hello @bob",
      "Привет 👋 @ана, как дела?",
      "![img](https://x.test/storage/v1/object/a.png)",
      "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u0000 tab\tand\nnewline",
      "x".repeat(SESSION_DECODE_MAX_BYTES),
      "ж".repeat(SESSION_DECODE_MAX_BYTES / 2),
      "a",
    ];
    for (const text of texts) {
      const envelope = seal(text);
      expect(decodedSessionContent(envelope, gcmOpen)).toBe(text);
      expect(decryptSessionContent(envelope)).toEqual({ state: "decrypted", text });
    }
  });

  it("opens long envelopes, but the hooks keep those over the size bound as sent", () => {
    for (const text of ["x".repeat(SESSION_DECODE_MAX_BYTES + 1), "y".repeat(CONTENT_MAX)]) {
      const envelope = seal(text);
      expect(openSessionEnvelope(parseSessionEnvelope(envelope)!, gcmOpen)).toBe(text);
      expect(decodedSessionContent(envelope, gcmOpen)).toBeUndefined();
    }
  });

  it("leaves plain text and JSON that is no envelope alone", () => {
    for (const text of ["hello", '{"a":1}', "{not json", "[1,2]", "", "null"]) {
      expect(parseSessionEnvelope(text)).toBeUndefined();
      expect(decodedSessionContent(text, gcmOpen)).toBeUndefined();
      expect(decryptSessionContent(text)).toEqual({ state: "plain", text });
    }
  });

  it("keeps envelopes that do not open: another key, tampered, malformed", () => {
    const other = seal("secret", sessionKey("another seed"));
    const tampered = JSON.parse(seal("secret")) as Record<string, string>;
    const bytes = Buffer.from(tampered["ciphertext"]!, "base64");
    bytes[0] = bytes[0]! ^ 1;
    const flipped = JSON.stringify({ ...tampered, ciphertext: bytes.toString("base64") });
    const shortIv = seal("secret", sessionKey(), randomBytes(16));
    for (const content of [
      other,
      flipped,
      shortIv,
      JSON.stringify({ version: "v1" }),
      JSON.stringify({ version: "v1", ciphertext: "!!!", iv: "AAAAAAAAAAAAAAAA" }),
      JSON.stringify({ version: "v1", ciphertext: "AAAA", iv: "AAAAAAAAAAAAAAAA" }),
    ]) {
      expect(decodedSessionContent(content, gcmOpen)).toBeUndefined();
      expect(decryptSessionContent(content)).toEqual({ state: "undecryptable", text: content });
    }
  });

  it("keeps the envelope when its text would not show the same as plain content", () => {
    expect(decodedSessionContent(seal("   "), gcmOpen)).toBeUndefined();
    // the client would take this text for an envelope and show [сообщение]
    expect(decodedSessionContent(seal('{"version":"v2"}'), gcmOpen)).toBeUndefined();
  });

  it("reads standard base64 exactly like Node, and nothing else", () => {
    for (let n = 0; n < 40; n++) {
      const bytes = randomBytes(n);
      const text = bytes.toString("base64");
      expect(Buffer.from(base64Bytes(text)!).equals(bytes)).toBe(true);
      expect(Buffer.from(base64Bytes(text.replace(/=+$/, ""))!).equals(bytes)).toBe(true);
    }
    expect(base64Bytes("ab-_")).toBeUndefined();
    expect(base64Bytes("abcde")).toBeUndefined();
  });

  it("decodes UTF-8 strictly", () => {
    const text = "aé€😀Ж";
    expect(utf8Text(new Uint8Array(Buffer.from(text, "utf8")))).toBe(text);
    for (const bad of [
      [0x80],
      [0xc0, 0x80], // overlong
      [0xe0, 0x80, 0x80], // overlong
      [0xed, 0xa0, 0x80], // surrogate
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xe2, 0x82], // truncated
      [0xc3, 0x28],
    ]) {
      expect(utf8Text(Uint8Array.from(bad))).toBeUndefined();
    }
    expect(openSessionEnvelope({ ciphertext: "", iv: "" }, gcmOpen)).toBeUndefined();
  });
});
