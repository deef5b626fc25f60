// Session-content decryption and Storage links: the helpers behind --decrypt-session-content and
// the files phase.
import { createCipheriv, createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { objectUrls, storedName } from "../../scripts/import/files.ts";
import { decryptSessionContent } from "../../scripts/import/session-crypto.ts";

const KEY = createHash("sha256").update("convert-chat-global-session-key-v1").digest();

function seal(text: string, key = KEY): string {
  const iv = Buffer.alloc(12, 7);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const sealed = Buffer.concat([cipher.update(text, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return JSON.stringify({
    version: "v1",
    ciphertext: sealed.toString("base64"),
    iv: iv.toString("base64"),
  });
}

describe("decryptSessionContent", () => {
  it("opens what the old client sealed with the app-wide key", () => {
    expect(decryptSessionContent(seal("Привет 👋 @ana"))).toEqual({
      state: "decrypted",
      text: "Привет 👋 @ana",
    });
  });

  it("leaves plain text, JSON that is no envelope and broken JSON alone", () => {
    for (const text of ["hello", '{"a":1}', "{not json", "[1,2]", ""]) {
      expect(decryptSessionContent(text)).toEqual({ state: "plain", text });
    }
  });

  it("reports envelopes it cannot open and returns them unchanged", () => {
    const other = seal("secret", createHash("sha256").update("another seed").digest());
    const tampered = JSON.parse(seal("secret")) as { ciphertext: string };
    tampered.ciphertext = Buffer.from("garbage that is long enough").toString("base64");
    for (const text of [
      other,
      JSON.stringify(tampered),
      '{"version":"v1"}',
      '{"version":"v1","ciphertext":"AAAA","iv":"short"}',
    ]) {
      expect(decryptSessionContent(text)).toEqual({ state: "undecryptable", text });
    }
  });
});

describe("objectUrls", () => {
  const host = "https://abcdefgh.supabase.co";
  it("finds signed, public and authenticated links to Konvert's buckets inside text", () => {
    const text =
      `![image](${host}/storage/v1/object/sign/make-b0f1e6d5-uploads/u1/17-a%20b.png?token=x.y.z) ` +
      `and ${host}/storage/v1/object/public/make-b0f1e6d5-avatars/u2/me.jpg.`;
    expect(objectUrls(text).map((u) => u.ref)).toEqual([
      { bucket: "make-b0f1e6d5-uploads", path: "u1/17-a b.png" },
      { bucket: "make-b0f1e6d5-avatars", path: "u2/me.jpg." },
    ]);
    expect(objectUrls(text)[0]?.url).toBe(
      `${host}/storage/v1/object/sign/make-b0f1e6d5-uploads/u1/17-a%20b.png?token=x.y.z`,
    );
  });

  it("ignores other buckets and links that are not Storage objects", () => {
    expect(objectUrls(`${host}/storage/v1/object/sign/avatars/u/x.png?token=t`)).toEqual([]);
    expect(objectUrls("https://example.com/make-b0f1e6d5-uploads/x.png")).toEqual([]);
  });
});

describe("storedName", () => {
  it("is PocketBase-shaped and the same for the same object on every run", () => {
    const ref = { bucket: "make-b0f1e6d5-uploads", path: "u1/1700000000000-Cat Photo.PNG" };
    const name = storedName(ref);
    expect(name).toMatch(/^1700000000000_cat_photo_[a-z0-9]{10}\.png$/);
    expect(storedName({ ...ref })).toBe(name);
    expect(storedName({ ...ref, bucket: "make-b0f1e6d5-images" })).not.toBe(name);
  });

  it("never lets a path escape: only [a-z0-9_] and one extension", () => {
    expect(storedName({ bucket: "make-b0f1e6d5-uploads", path: "../../..//.." })).toMatch(
      /^file_[a-z0-9]{10}$/,
    );
  });
});
