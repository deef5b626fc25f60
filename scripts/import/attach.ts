// The files phase: every Storage object the KV store references (user avatars, media URLs in
// message content) is read from the file store and stored under its PocketBase record before
// the rows are written, so the rows can name the files and point the URLs at them.
import { str } from "./convert.ts";
import { pbId } from "./convert.ts";
import {
  avatarBuckets,
  objectUrls,
  refKey,
  storedName,
  type FileStore,
  type ObjectRef,
} from "./files.ts";
import type { Report } from "./report.ts";
import type { Scan } from "./scan.ts";
import type { Target } from "./target.ts";

/** A message may carry at most this many files (the attachments field's limit). */
export const MAX_ATTACHMENTS = 10;

export class Attachments {
  /** Objects that exist in the store (refKey). */
  readonly available = new Set<string>();
  /** Source user uuid -> their avatar object. */
  readonly avatars = new Map<string, ObjectRef>();
}

interface Job {
  key: string;
  collection: string;
  id: string;
  field: string;
  ref: ObjectRef;
}

/**
 * Reads every referenced object once per record; with a target, stores it (an object already
 * stored by an earlier run is not sent again). Without a store nothing is transferred and the
 * references stay as they are.
 */
export async function transferFiles(
  scan: Scan,
  store: FileStore | undefined,
  target: Target | undefined,
  report: Report,
  onProgress?: () => void,
): Promise<Attachments> {
  const result = new Attachments();
  const jobs: Job[] = [];
  const buckets = store && scan.users.size > 0 ? avatarBuckets(await store.buckets()) : [];
  for (const [user, profile] of scan.users) {
    const url = [str(profile["avatar"]), str(profile["avatar_url"])]
      .flatMap((u) => objectUrls(u))
      .at(0);
    const path = str(profile["avatar_path"]).replace(/^\/+/, "");
    let ref = url?.ref;
    if (!ref && path && store) {
      for (const bucket of buckets) {
        if (await store.read({ bucket, path })) {
          ref = { bucket, path };
          break;
        }
      }
      if (!ref) report.missingFile(`user:${user}#avatar_path`, `${path}: in no bucket`);
    }
    if (!ref) continue;
    result.avatars.set(user, ref);
    jobs.push({
      key: `user:${user}#avatar`,
      collection: "users",
      id: pbId(`user:${user}`),
      field: "avatar",
      ref,
    });
  }
  for (const [message, refs] of scan.fileRefs) {
    for (const ref of refs.slice(0, MAX_ATTACHMENTS)) {
      jobs.push({
        key: `message:${message}`,
        collection: "messages",
        id: pbId(`message:${message}`),
        field: "attachments",
        ref,
      });
    }
  }
  if (!store) {
    for (const job of jobs) {
      report.missingFile(job.key, `${refKey(job.ref)}: no storage source given (--files)`);
    }
    return result;
  }
  // a few objects in flight: the Storage API answers slowly, the local disk does not mind
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      if (!job) break;
      const data = await store.read(job.ref);
      onProgress?.();
      if (!data) {
        report.missingFile(job.key, `${refKey(job.ref)}: not in ${store.describe}`);
        continue;
      }
      report.filesFound++;
      if (target) {
        try {
          const { stored } = await target.upload(
            { collection: job.collection, id: job.id, field: job.field, name: storedName(job.ref) },
            data,
          );
          if (stored) report.filesStored++;
        } catch (err) {
          // one refused file must not stop the import: its links stay as they were
          report.missingFile(job.key, `${refKey(job.ref)}: ${String(err)}`);
          continue;
        }
      }
      result.available.add(refKey(job.ref));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return result;
}
