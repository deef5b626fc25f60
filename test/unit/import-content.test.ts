// Storage links: the helpers behind the files phase (session-content decryption is in
// session-content.test.ts).
import { describe, expect, it } from "vitest";
import { objectUrls, storedName } from "../../scripts/import/files.ts";

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
