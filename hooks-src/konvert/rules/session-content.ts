// The original client's "session encryption" (spec §4.13): AES-GCM-256 under one key for the
// whole app, SHA-256 of a constant published in the client. It hides nothing from the server, so
// an owner may let the server read it back (KONVERT_DECODE_SESSION_CONTENT) and mentions,
// previews and search see the text. Pure: the import tool and the JSVM shell share it.
// The cipher itself is a parameter: the hooks pass @noble/ciphers, loaded only when decoding
// (compat/session-content.ts says why), tests pass it directly.
import { CONTENT_MAX } from "./messages.ts";

/** AES-256-GCM decryption, WebCrypto layout (tag appended); throws when the tag does not match. */
export type GcmOpen = (key: Uint8Array, iv: Uint8Array, sealed: Uint8Array) => Uint8Array;

export const SESSION_KEY_SEED = "convert-chat-global-session-key-v1";

/** SHA-256(SESSION_KEY_SEED), precomputed so hooks need no hash library (a unit test checks it). */
export const SESSION_KEY = Uint8Array.from(
  "3a0725a810b3c01725095ba09d9923d918901f879cc88232a1f44afe23a2f8e1"
    .match(/../g)!
    .map((byte) => Number.parseInt(byte, 16)),
);

/** WebCrypto's AES-GCM appends the 16-byte tag to the ciphertext; the IV is 12 bytes. */
const TAG_BYTES = 16;
const IV_BYTES = 12;

/**
 * Longest text the hooks decode, in UTF-8 bytes. AES-GCM in pure JS under goja is slow: about
 * 10 ms for a short message and 0.1 s for 2 KB (measured on the loaded 2-core development
 * machine; 9,000 characters took 0.5 s), so a bound keeps one request from holding a VM and a
 * core. 2 KB covers ordinary chat messages (about 1,000 Cyrillic or 2,000 Latin characters, an
 * image link); longer ones stay opaque.
 */
export const SESSION_DECODE_MAX_BYTES = 2048;
/** The same bound on the envelope's base64 ciphertext (text + tag), checked before any work. */
const SEALED_BASE64_MAX = Math.ceil((SESSION_DECODE_MAX_BYTES + TAG_BYTES) / 3) * 4;

export interface SessionEnvelope {
  ciphertext: string;
  iv: string;
}

/**
 * Content the old client treats as encrypted: a JSON object with `ciphertext` or `version`
 * (its own test, so whatever it would try to decrypt is an envelope here too).
 */
export function parseSessionEnvelope(content: string): SessionEnvelope | undefined {
  const t = content.trimStart();
  if (!t.startsWith("{")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (!("ciphertext" in v) && !("version" in v)) return undefined;
  return {
    ciphertext: typeof v["ciphertext"] === "string" ? v["ciphertext"] : "",
    iv: typeof v["iv"] === "string" ? v["iv"] : "",
  };
}

/** The envelope's plaintext, or undefined when it does not open (other key, damaged, not UTF-8). */
export function openSessionEnvelope(envelope: SessionEnvelope, open: GcmOpen): string | undefined {
  const iv = base64Bytes(envelope.iv);
  const sealed = base64Bytes(envelope.ciphertext);
  if (!iv || !sealed || iv.length !== IV_BYTES || sealed.length < TAG_BYTES) return undefined;
  let plain: Uint8Array;
  try {
    plain = open(SESSION_KEY, iv, sealed);
  } catch {
    return undefined; // tag mismatch
  }
  return utf8Text(plain);
}

/**
 * What to store instead of `content` when decoding is on: the plaintext of a session envelope
 * of at most SESSION_DECODE_MAX_BYTES, or undefined to keep the content as sent. The plaintext is
 * kept only where the unchanged client shows it the same: not blank, within the plain-message
 * limit, and not itself something the client would take for an envelope (it would try to
 * decrypt it and show `[сообщение]`).
 */
export function decodedSessionContent(content: string, open: GcmOpen): string | undefined {
  const envelope = parseSessionEnvelope(content);
  if (!envelope || envelope.ciphertext.length > SEALED_BASE64_MAX) return undefined;
  const text = openSessionEnvelope(envelope, open);
  if (text === undefined || text.trim() === "" || text.length > CONTENT_MAX) return undefined;
  if (parseSessionEnvelope(text)) return undefined;
  return text;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** Character code → 6-bit value, -1 for anything else (a table: goja runs this per character). */
const BASE64_VALUES = Int8Array.from({ length: 128 }, (_, code) =>
  BASE64.indexOf(String.fromCharCode(code)),
);

/** Standard base64 (what `btoa` writes), padding optional; undefined on any other character. */
export function base64Bytes(text: string): Uint8Array | undefined {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  if (end % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? BASE64_VALUES[code]! : -1;
    if (value < 0) return undefined;
    acc = ((acc << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * Strict UTF-8 → string (goja has no TextDecoder): undefined on malformed, overlong or surrogate
 * sequences, so a wrong plaintext is never stored.
 */
export function utf8Text(bytes: Uint8Array): string | undefined {
  const units: number[] = [];
  for (let i = 0; i < bytes.length;) {
    const b0 = bytes[i]!;
    const len = b0 < 0x80 ? 1 : b0 < 0xc2 ? 0 : b0 < 0xe0 ? 2 : b0 < 0xf0 ? 3 : b0 < 0xf5 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return undefined;
    let cp = len === 1 ? b0 : b0 & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const b = bytes[i + k]!;
      if ((b & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (b & 0x3f);
    }
    const min = [0, 0, 0x80, 0x800, 0x10000][len]!;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    if (cp < 0x10000) units.push(cp);
    else units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    i += len;
  }
  // in slices: one call per character is slow in goja, one call for all may exceed argument limits
  let out = "";
  for (let i = 0; i < units.length; i += 4096) {
    out += String.fromCharCode(...units.slice(i, i + 4096));
  }
  return out;
}
