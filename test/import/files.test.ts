// Storage files and session-encrypted content: avatars and message media from a directory copy
// of the buckets (and from a Storage API lookalike) become PocketBase files behind the normal
// access rules, links in content point at them, --decrypt-session-content makes the history
// searchable. The source is a CSV export, so this file needs no PostgreSQL.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pbId } from "../../scripts/import/convert.ts";
import { storedName } from "../../scripts/import/files.ts";
import { runImport } from "../../scripts/import/run.ts";
import { SUPERUSER } from "../support/constants.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { sealSession, sessionKey } from "../support/session-seal.ts";
import { anonymousClient } from "../support/users.ts";

const HASH = "deadbeef";
const UPLOADS = `make-${HASH}-uploads`;
const AVATARS = `make-${HASH}-avatars`;
const SUPABASE = "https://abcdefgh.supabase.co";
const u = (n: number) => `${n}${n}${n}${n}${n}${n}${n}${n}-0000-4000-8000-00000000000${n}`;
const U = { ana: u(1), ben: u(2), eve: u(3) };
const ROOM = "cccccccc-0000-4000-8000-000000000001";
const m = (n: number) => `dddddddd-0000-4000-8000-00000000000${n}`;
const M = { image: m(1), video: m(2), lost: m(3), foreign: m(4), plain: m(5) };
const PASSWORD = "old-password";

// 1x1 PNG and the first bytes of a WebM (EBML header): enough for PocketBase to store and serve
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const WEBM = Buffer.from("1a45dfa3a34286810142f7810142f2810442f381084282847765626d", "hex");
const OBJECTS: Record<string, Buffer> = {
  [`${AVATARS}/${U.ana}/avatar.png`]: PNG,
  [`${UPLOADS}/${U.ben}/1700000000000-ben.png`]: PNG,
  [`${UPLOADS}/${U.ana}/1700000000001-cat photo.png`]: PNG,
  [`${UPLOADS}/${U.ben}/1700000000002-clip.webm`]: WEBM,
};

const signed = (object: string) =>
  `${SUPABASE}/storage/v1/object/sign/${object.split("/").map(encodeURIComponent).join("/")}?token=eyJhbGciOi.x.y`;

const imageText = `смотри ![image](${signed(`${UPLOADS}/${U.ana}/1700000000001-cat photo.png`)})`;
const lostUrl = signed(`${UPLOADS}/${U.ana}/gone.png`);
const foreign = sealSession("sealed with another key", sessionKey("some-other-seed"));

function kvRows(): [string, unknown][] {
  const user = (id: string, name: string, extra: Record<string, unknown>) => [
    `user:${id}`,
    {
      id,
      email: `${name}@example.com`,
      username: name,
      role: "user",
      created_at: "2025-11-01T10:00:00Z",
      ...extra,
    },
  ];
  const message = (id: string, minute: number, sender: string, content: string, type = "text") => [
    `message:${id}`,
    {
      id,
      room_id: ROOM,
      sender_id: sender,
      content,
      type,
      created_at: new Date(Date.UTC(2025, 10, 1, 11, minute)).toISOString(),
    },
  ];
  return [
    user(U.ana, "ana", {
      display_name: "Ana Lima",
      avatar: signed(`${AVATARS}/${U.ana}/avatar.png`),
    }),
    user(U.ben, "ben", { avatar_path: `${U.ben}/1700000000000-ben.png` }),
    user(U.eve, "eve", { avatar_path: `${U.eve}/never-uploaded.png` }),
    [
      `room:${ROOM}`,
      {
        id: ROOM,
        name: "Общая",
        type: "public",
        created_by: U.ana,
        created_at: "2025-11-01T10:00:00Z",
        members: [U.ana, U.ben],
      },
    ],
    message(M.image, 1, U.ana, sealSession(imageText)),
    message(M.video, 2, U.ben, signed(`${UPLOADS}/${U.ben}/1700000000002-clip.webm`), "video"),
    message(M.lost, 3, U.ana, sealSession(`потерялось ${lostUrl}`)),
    message(M.foreign, 4, U.ben, foreign),
    message(M.plain, 5, U.ana, "обычный текст"),
    [`room_messages:${ROOM}`, Object.values(M)],
  ] as [string, unknown][];
}

const csvCell = (text: string) => `"${text.replace(/"/g, '""')}"`;

let server: TestServer;
let work: string;
let source: string;
let buckets: string;
let storageApi: Server;
const storageRequests: string[] = [];
const admin = { adminEmail: SUPERUSER.email, adminPassword: SUPERUSER.password };

beforeAll(async () => {
  server = await startPocketBase();
  work = mkdtempSync(join(tmpdir(), "konvert-import-files-"));
  source = join(work, "export");
  mkdirSync(source);
  writeFileSync(
    join(source, `kv_store_${HASH}.csv`),
    ["key,value", ...kvRows().map(([k, v]) => `${csvCell(k)},${csvCell(JSON.stringify(v))}`)].join(
      "\n",
    ),
  );
  const hash = bcrypt.hashSync(PASSWORD, 4);
  writeFileSync(
    join(source, "auth_users.csv"),
    [
      "id,email,encrypted_password,created_at",
      ...Object.entries(U).map(([n, id]) => `${id},${n}@example.com,${hash},2025-11-01T10:00:00Z`),
    ].join("\n"),
  );
  buckets = join(work, "buckets");
  for (const [object, data] of Object.entries(OBJECTS)) {
    mkdirSync(dirname(join(buckets, object)), { recursive: true });
    writeFileSync(join(buckets, object), data);
  }
  // the two Storage API calls the import makes, answered from the same objects
  storageApi = createServer((req, res) => {
    storageRequests.push(`${req.method ?? ""} ${req.url ?? ""} ${req.headers.authorization ?? ""}`);
    if (req.headers.authorization !== "Bearer service-key") return res.writeHead(401).end();
    const url = decodeURIComponent(req.url ?? "");
    if (url === "/storage/v1/bucket") {
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(
        JSON.stringify([
          { id: AVATARS, name: AVATARS },
          { id: UPLOADS, name: UPLOADS },
        ]),
      );
    }
    const object = OBJECTS[url.replace("/storage/v1/object/authenticated/", "")];
    if (!object) return res.writeHead(400).end('{"error":"not_found"}');
    res.writeHead(200, { "Content-Type": "application/octet-stream" }).end(object);
  });
  await new Promise<void>((r) => storageApi.listen(0, "127.0.0.1", r));
}, 60_000);

afterAll(async () => {
  await server.stop();
  await new Promise((r) => storageApi.close(r));
  rmSync(work, { recursive: true, force: true });
});

const signIn = async (name: string) => {
  const client = anonymousClient(server);
  await client.collection("users").authWithPassword(`${name}@example.com`, PASSWORD);
  return client;
};
const fileUrl = (collection: string, id: string, name: string) =>
  `${server.url}/api/files/${collection}/${id}/${name}`;
const download = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
};

describe("storage files and session-encrypted content", () => {
  it("imports files from a directory copy of the buckets and decrypts the history", async () => {
    const report = await runImport({
      from: source,
      expectRows: kvRows().length, // a CSV carries no count of its own
      to: server.url,
      files: buckets,
      decryptSessionContent: true,
      verify: true,
      ...admin,
    });
    expect(report.verify?.differences).toEqual([]);
    expect(report.conflicts).toEqual([]);
    expect(report.decryptedContent).toBe(2);
    expect(report.undecryptable.map((i) => i.key)).toEqual([`message:${M.foreign}`]);
    expect(report.missingFiles.map((i) => i.key).sort()).toEqual(
      [`message:${M.lost}`, `user:${U.eve}#avatar_path`].sort(),
    );
    expect(report.filesStored).toBe(4);
  });

  it("avatars become the users' avatar files, served like any uploaded avatar", async () => {
    const ana = await server.admin.collection("users").getOne(pbId(`user:${U.ana}`));
    expect(ana["avatar"]).toBe(storedName({ bucket: AVATARS, path: `${U.ana}/avatar.png` }));
    const served = await download(fileUrl("users", ana.id, String(ana["avatar"])));
    expect(served.status).toBe(200);
    expect(served.body.equals(PNG)).toBe(true);
    // only avatar_path was stored for ben: found in the uploads bucket
    const ben = await server.admin.collection("users").getOne(pbId(`user:${U.ben}`));
    expect(String(ben["avatar"])).toMatch(/^1700000000000_ben_[a-z0-9]{10}\.png$/);
    const eve = await server.admin.collection("users").getOne(pbId(`user:${U.eve}`));
    expect(eve["avatar"]).toBe("");
  });

  it("message media become protected attachments that only room members can fetch", async () => {
    const id = pbId(`message:${M.image}`);
    const message = await server.admin.collection("messages").getOne(id);
    const name = storedName({ bucket: UPLOADS, path: `${U.ana}/1700000000001-cat photo.png` });
    expect(message["attachments"]).toEqual([name]);
    // decrypted, and the expiring Supabase link replaced by the PocketBase file
    expect(message["content"]).toBe(`смотри ![image](${fileUrl("messages", id, name)})`);

    const ben = await signIn("ben");
    const token = await ben.files.getToken();
    const member = await download(`${fileUrl("messages", id, name)}?token=${token}`);
    expect(member.status).toBe(200);
    expect(member.body.equals(PNG)).toBe(true);

    const eve = await signIn("eve"); // not a member of the room
    const outsider = await download(
      `${fileUrl("messages", id, name)}?token=${await eve.files.getToken()}`,
    );
    expect(outsider.status).toBe(404);
    expect((await download(fileUrl("messages", id, name))).status).toBe(404);

    const video = await server.admin.collection("messages").getOne(pbId(`message:${M.video}`));
    expect(video["attachments"]).toHaveLength(1);
    expect(video["content"]).toBe(
      fileUrl("messages", video.id, (video["attachments"] as string[])[0] ?? ""),
    );
    const clip = await download(`${String(video["content"])}?token=${token}`);
    expect(clip.body.equals(WEBM)).toBe(true);
  });

  it("missing objects keep their link, undecryptable content stays as it was", async () => {
    const lost = await server.admin.collection("messages").getOne(pbId(`message:${M.lost}`));
    expect(lost["content"]).toBe(`потерялось ${lostUrl}`);
    expect(lost["attachments"]).toEqual([]);
    const sealed = await server.admin.collection("messages").getOne(pbId(`message:${M.foreign}`));
    expect(sealed["content"]).toBe(foreign);
  });

  it("decrypted history is searchable; imported people are findable", async () => {
    const ben = await signIn("ben");
    const found = await ben.send<{ items: { id: string }[] }>("/api/konvert/search", {
      query: { q: "смотри" },
    });
    expect(found.items.map((i) => i.id)).toEqual([pbId(`message:${M.image}`)]);
    const people = await ben.send<{ items: { id: string }[] }>("/api/konvert/users/search", {
      query: { q: "lim" },
    });
    expect(people.items.map((i) => i.id)).toEqual([pbId(`user:${U.ana}`)]);
  });

  it("a second run stores no file twice and changes nothing", async () => {
    const report = await runImport({
      from: source,
      expectRows: kvRows().length, // a CSV carries no count of its own
      to: server.url,
      files: buckets,
      decryptSessionContent: true,
      verify: true,
      ...admin,
    });
    expect(report.verify?.ok).toBe(true);
    expect(report.filesFound).toBe(4);
    expect(report.filesStored).toBe(0);
  });

  it("a stopped data dir gets the same files and rows (rows written with sqlite3)", async () => {
    const dir = join(work, "pb_data_direct");
    cpSync(inject("pbTemplateDir"), dir, { recursive: true });
    const report = await runImport({
      from: source,
      expectRows: kvRows().length, // a CSV carries no count of its own
      to: dir,
      files: buckets,
      decryptSessionContent: true,
      verify: true,
    });
    expect(report.target).toMatch(/sqlite3/);
    expect(report.verify?.differences).toEqual([]);
    expect(report.filesStored).toBe(4);
    const stored = readdirSync(join(dir, "storage"), { recursive: true, withFileTypes: true });
    expect(stored.filter((f) => f.isFile() && !f.name.endsWith(".attrs"))).toHaveLength(4);
  });

  it("the Storage API as the file source gives the same PocketBase contents", async () => {
    const { port } = storageApi.address() as AddressInfo;
    const report = await runImport({
      from: source,
      expectRows: kvRows().length, // a CSV carries no count of its own
      to: server.url,
      storageUrl: `http://127.0.0.1:${port}`,
      serviceKey: "service-key",
      decryptSessionContent: true,
      verifyOnly: true,
      ...admin,
    });
    expect(report.verify?.differences).toEqual([]);
    expect(report.verify?.checked).toBeGreaterThan(10);
    expect(report.missingFileCount).toBe(2);
    expect(storageRequests.length).toBeGreaterThan(4);
    expect(storageRequests.every((r) => r.endsWith("Bearer service-key"))).toBe(true);
  });

  it("the file route refuses non-superusers and bad input with a clear 4xx", async () => {
    const ben = await signIn("ben");
    const form = () => {
      const f = new FormData();
      f.set("collection", "messages");
      f.set("id", pbId(`message:${M.plain}`));
      f.set("field", "attachments");
      f.set("name", "x_abcdefghij.png");
      f.set("file", new Blob([new Uint8Array(PNG)]), "x.png");
      return f;
    };
    const post = (client: { authStore: { token: string } } | undefined, body: FormData) =>
      fetch(`${server.url}/api/konvert/import/file`, {
        method: "POST",
        headers: client ? { Authorization: client.authStore.token } : {},
        body,
      });
    expect((await post(undefined, form())).status).toBe(401);
    expect((await post(ben, form())).status).toBe(403);
    const traversal = form();
    traversal.set("name", "../../data.db");
    const refused = await post(server.admin, traversal);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toBe("Invalid file name.");
    const notFile = form();
    notFile.set("field", "content");
    expect((await post(server.admin, notFile)).status).toBe(400);
    const noFile = form();
    noFile.delete("file");
    expect((await post(server.admin, noFile)).status).toBe(400);
    // Supabase allowed 50 MB objects, above PocketBase's default 32 MB body limit
    const big = form();
    big.set("name", "big_abcdefghij.webm");
    big.set("file", new Blob([new Uint8Array(40 * 1024 * 1024)]), "big.webm");
    expect(await (await post(server.admin, big)).json()).toEqual({
      name: "big_abcdefghij.webm",
      stored: true,
    });
  });
});

describe("the bulk rows route", () => {
  const post = (token: string | undefined, body: unknown) =>
    fetch(`${server.url}/api/konvert/import/rows`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: token } : {}) },
      body: JSON.stringify(body),
    });
  const kv = (rows: unknown[][]) => ({
    collection: "kv_legacy",
    columns: ["id", "key", "value", "reason"],
    rows: JSON.stringify(rows),
  });

  it("is for superusers only", async () => {
    const ben = await signIn("ben");
    const body = kv([["legacyrow000001", "k", "1", "r"]]);
    expect((await post(undefined, body)).status).toBe(401);
    expect((await post(ben.authStore.token, body)).status).toBe(403);
    expect(
      await server.admin.collection("kv_legacy").getList(1, 1, { filter: 'key = "k"' }),
    ).toMatchObject({ totalItems: 0 });
  });

  it("refuses malformed batches with a clear 400 and writes nothing", async () => {
    const token = server.admin.authStore.token;
    const before = (await server.admin.collection("kv_legacy").getList(1, 1)).totalItems;
    const cases: [unknown, string][] = [
      [{ ...kv([]), rows: "[[1," }, "Rows must be a JSON array of 1..10000 arrays."],
      [{ ...kv([]), rows: '[{"id":"x"}]' }, "Rows must be a JSON array of 1..10000 arrays."],
      [kv([]), "Rows must be a JSON array of 1..10000 arrays."],
      [{ ...kv([["a"]]), columns: ["id", "nope"] }, "Columns must list fields of the collection."],
      [{ ...kv([["a"]]), collection: "_superusers" }, "Unknown collection."],
    ];
    for (const [body, message] of cases) {
      const res = await post(token, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toBe(message);
    }
    expect((await server.admin.collection("kv_legacy").getList(1, 1)).totalItems).toBe(before);
  });

  it("writes the good rows of a batch and names the ones a unique index refuses", async () => {
    const row = (id: string, username: string) => [
      id,
      `${id}@example.com`,
      username,
      `token-${id}`,
      "user",
    ];
    const write = (rows: unknown[][]) =>
      post(server.admin.authStore.token, {
        collection: "users",
        columns: ["id", "email", "username", "tokenKey", "role"],
        insertOnly: ["tokenKey"],
        rows: JSON.stringify(rows),
      });
    expect((await write([row("batchuser000000", "taken")])).status).toBe(200);
    const res = await write([
      row("batchuser000001", "fresh1"),
      row("batchuser000002", "TAKEN"), // usernames are unique regardless of case
      row("batchuser000003", "fresh3"),
    ]);
    const result = (await res.json()) as { written: number; failed: { index: number }[] };
    expect(result).toMatchObject({ written: 2 });
    expect(result.failed.map((f) => f.index)).toEqual([1]);
    await expect(server.admin.collection("users").getOne("batchuser000002")).rejects.toThrow();
    expect((await server.admin.collection("users").getOne("batchuser000003"))["username"]).toBe(
      "fresh3",
    );
  });
});
