// deploy/nginx.conf in front of PocketBase: HTTPS, REST and realtime pass through, headers and
// limits are set, and rate limits count per client address, not per proxy.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFromEnv, settingsPatch } from "../../scripts/lib/deployment-config.ts";
import { REPO_ROOT } from "../../scripts/lib/repo.ts";
import { NGINX_BIN, nginxTest, renderSite, startProxy, type Proxy } from "../ops/nginx.ts";
import { makePng } from "../support/png.ts";
import { recordEvents, waitUntil } from "../support/realtime.ts";
import { seedRoom } from "../support/rooms.ts";
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
    // guard: pb_migrations/1764800200_sign_in_rate_limits.js; guessing is limited per account).
    // Everything is sent at once: the limiter counts requests as they arrive, and one by one
    // they outlast the 10 s window on a busy host (each failed sign-in costs a password hash).
    const spoof = { "X-Real-IP": "198.51.100.9", "X-Forwarded-For": "198.51.100.9" };
    const [spoofed, ...plain] = await Promise.all([
      signIn("127.0.0.2", spoof),
      ...Array.from({ length: 61 }, () => signIn("127.0.0.2")),
    ]);
    const statuses = [spoofed, ...plain].map((r) => r.status);
    // 62 attempts from one address: 60 pass, 2 are refused. Had nginx let the client's own
    // header through, the spoofed one would have had a budget of its own and only 1 refused.
    expect(statuses.filter((s) => s === 400)).toHaveLength(60);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    // another client behind the same proxy is unaffected
    expect((await signIn("127.0.0.3")).status).toBe(400);
  });

  it("has a body limit that fits the largest upload the schema allows, and no more", async () => {
    // every file field's maxSize × maxSelect, per collection: what one create may carry
    const collections = await server.admin.collections.getFullList();
    const largest = Math.max(
      ...collections.map((c) =>
        c.fields
          .filter((f) => f.type === "file")
          .reduce((sum, f) => sum + Number(f["maxSize"]) * Number(f["maxSelect"]), 0),
      ),
    );
    const limit = nginxBodyLimit();
    expect(limit).toBeGreaterThanOrEqual(largest + (1 << 20)); // room for multipart overhead
    expect(limit).toBeLessThanOrEqual(largest + (16 << 20));

    const res = await send(`${proxy.httpsUrl}/api/collections/messages/records`, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(limit + 1),
      },
    }).catch((err: unknown) => ({ status: -1, headers: {}, body: String(err) }));
    expect(res.status).toBe(413);
  });

  it("passes a message with two 30 MiB attachments, which the schema allows", async () => {
    const alice = await createUser(server);
    const room = await seedRoom(server, "private", [alice]);
    const form = new FormData();
    form.append("room", room.id);
    form.append("type", "image");
    form.append("content", "");
    for (const name of ["a.png", "b.png"]) {
      const bytes = new Uint8Array(makePng(4, 4, 30 << 20));
      form.append("attachments", new File([bytes], name, { type: "image/png" }));
    }
    const res = await fetch(`${proxy.httpsUrl}/api/collections/messages/records`, {
      method: "POST",
      headers: { Authorization: alice.client.authStore.token },
      body: form,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { attachments: string[] }).attachments).toHaveLength(2);
  }, 60_000);

  it("keeps file tokens out of its access log", async () => {
    const alice = await createUser(server);
    const room = await seedRoom(server, "private", [alice]);
    const message = await alice.client.collection("messages").create<{
      id: string;
      attachments: string[];
    }>({
      room: room.id,
      type: "image",
      content: "",
      attachments: [new File([new Uint8Array(makePng(8, 8))], "p.png", { type: "image/png" })],
    });
    const token = await alice.client.files.getToken();
    const path = `/api/files/messages/${message.id}/${message.attachments[0]}`;
    const res = await send(`${proxy.httpsUrl}${path}?token=${token}`, {});
    expect(res.status).toBe(200);
    await waitUntil(
      () => readFileSync(join(proxy.dir, "konvert.access.log"), "utf8").includes(path),
      "the download in the access log",
    );
    const log = readFileSync(join(proxy.dir, "konvert.access.log"), "utf8");
    expect(log).toContain(`"GET ${path} HTTP/1.1" 200`);
    expect(log).not.toContain(token);
    expect(log).not.toContain("token=");
  });
});

function nginxBodyLimit(): number {
  const conf = readFileSync(join(REPO_ROOT, "deploy", "nginx.conf"), "utf8");
  const match = /client_max_body_size (\d+)m;/.exec(conf);
  if (!match) throw new Error("deploy/nginx.conf: no client_max_body_size in megabytes");
  return Number(match[1]) << 20;
}

// Before certbot has a certificate: the documented order is the bootstrap file, certbot through
// its webroot, then deploy/nginx.conf.
describe.skipIf(requireNginx)("nginx before the certificate exists", () => {
  const dir = mkdtempSync(join(tmpdir(), "konvert-nginx-t-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("deploy/nginx.conf alone fails `nginx -t` (it names the certificate)", () => {
    mkdirSync(join(dir, "acme"), { recursive: true });
    const result = nginxTest(dir, renderSite(8090, 8080, 8443, dir));
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/cert\.pem/);
  });

  it("deploy/nginx-bootstrap.conf passes `nginx -t` and serves the ACME challenge over HTTP", async () => {
    const site = renderSite(0, 8080, 0, dir, "nginx-bootstrap.conf");
    const tested = nginxTest(dir, site);
    expect(tested.output).toMatch(/test is successful/);

    const proxy = await startProxy("http://127.0.0.1:9", "nginx-bootstrap.conf");
    try {
      const challenge = join(proxy.dir, "acme", ".well-known", "acme-challenge");
      mkdirSync(challenge, { recursive: true });
      writeFileSync(join(challenge, "token-abc"), "token-abc.key-authorization");
      const res = await fetch(`${proxy.httpUrl}/.well-known/acme-challenge/token-abc`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("token-abc.key-authorization");
      // and nothing else in clear text
      const api = await fetch(`${proxy.httpUrl}/api/health`);
      expect(api.status).toBe(503);
    } finally {
      await proxy.stop();
    }
  });
});
