// A running PocketBase over HTTP, signed in as superuser: the import's target for a URL, and the
// temporary server on a data dir (data-dir.ts).
import type { Target } from "./target.ts";

export async function connect(
  url: string,
  email: string,
  password: string,
  describe: string,
  stop: () => Promise<void>,
): Promise<Target> {
  const auth = await fetch(`${url}/api/collections/_superusers/auth-with-password`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ identity: email, password }),
  });
  if (!auth.ok) {
    await stop();
    throw new Error(`Superuser sign-in to ${url} failed (${auth.status}).`);
  }
  const { token } = (await auth.json()) as { token: string };
  const json = { "Content-Type": "application/json", Authorization: token };
  const call = async <T>(
    path: string,
    init: RequestInit,
    headers: Record<string, string> = json,
  ): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${url}${path}`, { ...init, headers });
      if (res.ok) return (await res.json()) as T;
      // rate limits and a busy single writer are worth a retry; anything else is a real error
      if ((res.status === 429 || res.status >= 500) && attempt < 5) {
        await new Promise((r) => setTimeout(r, 200 * attempt));
        continue;
      }
      throw new Error(`PocketBase answered ${res.status} for ${path}: ${await res.text()}`);
    }
  };
  return {
    describe,
    post: (path, body) => call(path, { method: "POST", body: JSON.stringify(body) }),
    get: (path) => call(path, { method: "GET" }),
    upload: (file, data) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(file)) form.set(k, v);
      form.set("file", new Blob([new Uint8Array(data)]), file.name);
      return call(
        "/api/konvert/import/file",
        { method: "POST", body: form },
        { Authorization: token },
      );
    },
    close: stop,
  };
}
