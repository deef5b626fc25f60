// Supabase Storage objects referenced by the KV store (avatars, message media) and where to read
// them: a directory copy of the buckets (<dir>/<bucket>/<path>) or the Storage API with the
// service key. Stored names are derived from the object, so every run writes the same files.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { resolve, sep } from "node:path";
import { pbId } from "./convert.ts";

export interface ObjectRef {
  bucket: string;
  path: string;
}

export interface FileStore {
  describe: string;
  read(ref: ObjectRef): Promise<Buffer | undefined>;
  /** Bucket names, to resolve a bare `avatar_path` (no bucket in it). */
  buckets(): Promise<string[]>;
}

/** Konvert's buckets are named make-<8 hex>-<suffix>. */
const BUCKET = "make-[0-9a-f]{8}-[a-z0-9-]+";
const OBJECT_URL = new RegExp(
  `https?://[^\\s()<>"'\\]]+?/storage/v1/object/(?:sign|public|authenticated)/(${BUCKET})/([^\\s?()<>"'\\]]+)(?:\\?[^\\s()<>"'\\]]*)?`,
  "g",
);

/** Every Storage object URL in a text (signed, public or authenticated), with its position. */
export function objectUrls(text: string): { url: string; ref: ObjectRef }[] {
  if (!text.includes("/storage/v1/object/")) return [];
  return [...text.matchAll(OBJECT_URL)].map((m) => ({
    url: m[0],
    ref: { bucket: m[1] ?? "", path: safeDecode(m[2] ?? "") },
  }));
}

export function refKey(ref: ObjectRef): string {
  return `${ref.bucket}/${ref.path}`;
}

/**
 * The PocketBase file name for an object: PocketBase's own shape (snake-cased stem, 10-char
 * suffix, lowercased extension) with a suffix derived from the object instead of random, so a
 * re-run finds the file it stored before.
 */
export function storedName(ref: ObjectRef): string {
  const base = (ref.path.split("/").pop() ?? "").toLowerCase();
  // only an extension the file route accepts: 1-10 of [a-z0-9]
  const ext = /\.[a-z0-9]{1,10}$/.exec(base)?.[0] ?? "";
  const stem = base
    .slice(0, base.length - ext.length)
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 100);
  const suffix = pbId(`file:${refKey(ref)}`).slice(0, 10);
  return `${stem || "file"}_${suffix}${ext}`;
}

export function directoryStore(dir: string): FileStore {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new Error(`Storage directory ${dir} does not exist.`);
  }
  return {
    describe: `directory ${dir}`,
    read: (ref) => {
      const file = resolve(root, ref.bucket, ref.path);
      // a path from the data must never reach outside the copy of the buckets
      if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
        return Promise.resolve(undefined);
      }
      return Promise.resolve(readFileSync(file));
    },
    buckets: () =>
      Promise.resolve(
        readdirSync(root, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => d.name)
          .sort(),
      ),
  };
}

export function storageApiStore(baseUrl: string, serviceKey: string): FileStore {
  const base = baseUrl.replace(/\/+$/, "");
  const headers = { apikey: serviceKey, Authorization: `Bearer ${serviceKey}` };
  return {
    describe: `Supabase Storage API ${base}`,
    read: async (ref) => {
      const path = ref.path.split("/").map(encodeURIComponent).join("/");
      const res = await fetch(`${base}/storage/v1/object/authenticated/${ref.bucket}/${path}`, {
        headers,
      });
      if (res.status === 400 || res.status === 404) return undefined;
      if (!res.ok) throw new Error(`Supabase Storage answered ${res.status} for ${refKey(ref)}.`);
      return Buffer.from(await res.arrayBuffer());
    },
    buckets: async () => {
      const res = await fetch(`${base}/storage/v1/bucket`, { headers });
      if (!res.ok) throw new Error(`Supabase Storage answered ${res.status} listing buckets.`);
      const list = (await res.json()) as { name?: string; id?: string }[];
      return list.map((b) => b.name ?? b.id ?? "").sort();
    },
  };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Buckets to look in for a bare `avatar_path`: Konvert's avatar buckets first. */
export function avatarBuckets(buckets: string[]): string[] {
  const konvert = buckets.filter((b) => new RegExp(`^${BUCKET}$`).test(b));
  return [
    ...konvert.filter((b) => b.endsWith("-avatars")),
    ...konvert.filter((b) => !b.endsWith("-avatars")),
  ];
}
