// deploy/nginx.conf in front of PocketBase: HTTPS, REST and realtime pass through, headers and
// limits are set, and rate limits count per client address, not per proxy.
import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromEnv, settingsPatch } from "../../scripts/lib/deployment-config.ts";
import { NGINX_BIN, startProxy, type Proxy } from "../ops/nginx.ts";
import { recordEvents, waitUntil } from "../support/realtime.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { anonymousClient, createUser } from "../support/users.ts";

// The proxy's certificate is self-signed for this run; the SDK's fetch/EventSource have no
// per-request TLS option, so this worker process (one per test file) accepts it.
process.env["NODE_TLS_REJECT_UNAUTHORIZED"] = "0";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTPS request from a chosen loopback address (Linux routes all of 127/8 to lo). */
function send(
  url: string,
  options: { method?: string; from?: string; headers?: Record<string, string>; body?: string },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? "GET",
        localAddress: options.from ?? "127.0.0.1",
        rejectUnauthorized: false,
        headers: options.headers,
      },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const requireNginx = !NGINX_BIN && !process.env["CI"];

describe.skipIf(requireNginx)("nginx in front of PocketBase", () => {
  let server: TestServer;
  let proxy: Proxy;

  beforeAll(async () => {
    server = await startPocketBase();
    // what `npm run setup` applies by default: trust the header nginx overwrites
    await server.admin.settings.update(settingsPatch(configFromEnv({})));
    proxy = await startProxy(server.url);
  });

  afterAll(async () => {
    await proxy.stop();
    await server.stop();
  });

  it("redirects plain HTTP to HTTPS", async () => {
    const res = await fetch(`${proxy.httpUrl}/api/health`, { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe(`https://127.0.0.1/api/health`);
  });

  it("serves the API over HTTPS with security headers", async () => {
    const res = await send(`${proxy.httpsUrl}/api/health`, {});
    expect(res.status).toBe(200);
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(res.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(res.headers["server"]).toBe("nginx"); // no version
  });

  it("passes signed-in REST calls and realtime events through", async () => {
    const alice = await createUser(server);
    const client = anonymousClient({ ...server, url: proxy.httpsUrl });
    await client.collection("users").authWithPassword(alice.record.username, alice.password);
    const me = await client.collection("users").getOne(alice.record.id);
    expect(me.id).toBe(alice.record.id);

    const log = await recordEvents<{ displayName: string }>(client, "users", alice.record.id);
    try {
      await server.admin
        .collection("users")
        .update(alice.record.id, { displayName: "Через прокси" });
      await waitUntil(() => log.events.length > 0, "a realtime event through nginx");
      expect(log.events[0]?.record.displayName).toBe("Через прокси");
    } finally {
      await log.unsubscribe();
    }
  });

  it("rate-limits each client address on its own, whatever headers it sends", async () => {
    const signIn = (from: string, headers: Record<string, string> = {}) =>
      send(`${proxy.httpsUrl}/api/collections/users/auth-with-password`, {
        method: "POST",
        from,
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ identity: "nobody", password: "wrong-password" }),
      });
    // PocketBase's limit on the sign-in routes allows 60 attempts per 10 s per client (a flood
    // guard: pb_migrations/1764800200_sign_in_rate_limits.js; guessing is limited per account)
    for (let i = 0; i < 60; i++) expect((await signIn("127.0.0.2")).status).toBe(400);
    expect((await signIn("127.0.0.2")).status).toBe(429);
    // a header of the client's own choosing does not buy a fresh budget
    const spoofed = await signIn("127.0.0.2", {
      "X-Real-IP": "198.51.100.9",
      "X-Forwarded-For": "198.51.100.9",
    });
    expect(spoofed.status).toBe(429);
    // another client behind the same proxy is unaffected
    expect((await signIn("127.0.0.3")).status).toBe(400);
  });

  it("refuses bodies over the upload limit at the proxy", async () => {
    const res = await send(`${proxy.httpsUrl}/api/collections/messages/records`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", "content-length": String(60 << 20) },
    }).catch((err: unknown) => ({ status: -1, headers: {}, body: String(err) }));
    expect(res.status).toBe(413);
  });
});
