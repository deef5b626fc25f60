// Calls to the backend's custom routes under /api/konvert, with errors a user can be shown.
import type PocketBase from "pocketbase";
import { call } from "../errors.ts";

export type Send = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export function konvertApi(pb: PocketBase): Send {
  return <T>(method: string, path: string, body?: unknown) =>
    call(() =>
      pb.send<T>(`/api/konvert${path}`, {
        method,
        ...(body === undefined ? {} : { body }),
      }),
    );
}

/** Encodes a path segment taken from data (ids come from users and other servers). */
export const seg = encodeURIComponent;
