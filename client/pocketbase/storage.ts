// User files over the records API of `compat_uploads`, the store the legacy
// `POST /storage/upload` writes too (pb_migrations/1764800300_uploads_records_api.js): each user
// uploads, lists and deletes their own files. The files are not protected, so a URL never expires
// and can go into message text; it is unguessable (random record id and file-name suffix).
import type PocketBase from "pocketbase";
import { KonvertError, call } from "../errors.ts";
import type { StorageApi } from "../interface.ts";

const COLLECTION = "compat_uploads";
/** `<record id>/<file name>`, the path both the legacy route and this module hand out. */
const PATH = /^([a-z0-9]{15})\/([^/]+)$/;

export function pocketBaseStorage(pb: PocketBase): StorageApi {
  const getFileUrl = (path: string) => {
    const [, id, name] = parse(path);
    return pb.buildURL(
      `/api/files/${COLLECTION}/${encodeURIComponent(id)}/${encodeURIComponent(name)}`,
    );
  };
  return {
    /**
     * Stores `file`; `path` only names it when `file` has no name of its own (its last segment
     * becomes the file name; the server adds a random suffix and picks the returned path).
     */
    async uploadFile(file, path) {
      const owner = pb.authStore.record?.id;
      if (!owner || !pb.authStore.isValid) throw new KonvertError("Sign in to upload files.", 401);
      const name =
        (file instanceof File && file.name) || path?.split("/").filter(Boolean).pop() || "file";
      const form = new FormData();
      form.append("owner", owner);
      form.append("file", file, name);
      const record = await call(() =>
        pb.collection(COLLECTION).create<{ id: string; file: string }>(form),
      );
      const stored = `${record.id}/${record.file}`;
      return { path: stored, url: getFileUrl(stored) };
    },
    /** Deletes one of the caller's files; someone else's answers 404 like a missing one. */
    async deleteFile(path) {
      const [, id] = parse(path);
      await call(() => pb.collection(COLLECTION).delete(id));
    },
    getFileUrl,
  };
}

function parse(path: string): [string, string, string] {
  const match = PATH.exec(path);
  if (!match) {
    throw new KonvertError("Not a file path from uploadFile (<id>/<name>).", 400, "path");
  }
  return match as unknown as [string, string, string];
}
