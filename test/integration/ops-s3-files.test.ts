// Files on object storage: `npm run setup` with S3_FILES_* and S3_BACKUP_* puts PocketBase's file
// storage and its backups on a real S3-compatible server (SeaweedFS); attachments, avatars,
// thumbnails and protected-file tokens work as on the local disk, backups land in their bucket,
// and the Supabase import stores its files there too (into the running server and into the
// stopped data dir).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import bcrypt from "bcryptjs";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPocketBaseBackend } from "../../client/index.ts";
import { pbId } from "../../scripts/import/convert.ts";
import { runImport } from "../../scripts/import/run.ts";
import type { UsersResponse } from "../../types/pocketbase-types.ts";
import { runScript } from "../ops/run-script.ts";
import { SUPERUSER } from "../support/constants.ts";
import { makePng } from "../support/png.ts";
import { rootEnv, startReplicated, type ReplicatedInstance } from "../support/replica.ts";
import { seedMembership, seedRoom } from "../support/rooms.ts";
import { startS3, type S3Server } from "../support/s3.ts";
import type { TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

let s3: S3Server;
let instance: ReplicatedInstance;
let server: TestServer;
const SUPERUSER_ENV = { PB_ADMIN_EMAIL: SUPERUSER.email, PB_ADMIN_PASSWORD: SUPERUSER.password };
const work = mkdtempSync(join(tmpdir(), "konvert-s3-files-"));
const root = join(work, "konvert");

function s3Env(prefix: string, bucket: string): Record<string, string> {
  return {
    [`${prefix}BUCKET`]: bucket,
    [`${prefix}ENDPOINT`]: s3.endpoint,
    [`${prefix}ACCESS_KEY`]: s3.accessKey,
    [`${prefix}SECRET`]: s3.secret,
  };
}

beforeAll(async () => {
  s3 = await startS3({ buckets: ["files", "backups"] });
  const result = await runScript("setup.ts", ["--root", root, "--no-import"], {
    PB_ADMIN_EMAIL: SUPERUSER.email,
    PB_ADMIN_PASSWORD: SUPERUSER.password,
    ...s3Env("S3_FILES_", "files"),
    ...s3Env("S3_BACKUP_", "backups"),
  });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  instance = await startReplicated(inject("pbBinary"), root, { replicate: false });
  const admin = new PocketBase(instance.url);
  admin.autoCancellation(false);
  await admin.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
  await admin.settings.update({ rateLimits: { excludedIPs: ["127.0.0.1"] } });
  server = { url: instance.url, admin } as TestServer;
}, 180_000);

afterAll(async () => {
  await instance.stop();
  await s3.stop();
  rmSync(work, { recursive: true, force: true });
});

const localFiles = () => {
  const dir = join(root, "pb_data", "storage");
  return existsSync(dir) ? readdirSync(dir, { recursive: true }) : [];
};
const fetchBytes = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
};

describe("file storage on S3", () => {
  let sender: TestUser;
  let member: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    [sender, member, outsider] = await Promise.all([
      createUser(server),
      createUser(server),
      createUser(server),
    ]);
  });

  it("setup stored the S3 settings (secrets included) encrypted, and they are on", async () => {
    const settings = await server.admin.settings.getAll();
    expect(settings["s3"]).toMatchObject({ enabled: true, bucket: "files", forcePathStyle: true });
    expect(settings["backups"]).toMatchObject({ s3: { enabled: true, bucket: "backups" } });
    expect(rootEnv(root)["S3_FILES_SECRET"]).toBe(s3.secret);
  });

  it("attachments go to the bucket, members fetch them with a file token, nobody else", async () => {
    const room = await seedRoom(server, "private", [sender]);
    await seedMembership(server, room.id, member);
    const image = makePng(120, 80);
    const message = await createPocketBaseBackend(sender.client).messages.sendWithFiles(
      room.id,
      "image",
      [new File([new Uint8Array(image)], "photo.png", { type: "image/png" })],
    );
    const name = message.attachments[0];
    expect(await s3.listKeys("files")).toContain(`${message.collectionId}/${message.id}/${name}`);
    expect(localFiles()).toEqual([]);

    const url = `${server.url}/api/files/messages/${message.id}/${name}`;
    const memberToken = await member.client.files.getToken();
    const got = await fetchBytes(`${url}?token=${memberToken}`);
    expect(got.status).toBe(200);
    expect(got.body.equals(image)).toBe(true);
    // the thumbnail is made from the S3 object
    expect((await fetchBytes(`${url}?token=${memberToken}&thumb=50x50`)).status).toBe(200);
    const outsiderToken = await outsider.client.files.getToken();
    expect((await fetchBytes(`${url}?token=${outsiderToken}`)).status).toBe(404);
    expect((await fetchBytes(url)).status).toBe(404);
    expect((await fetchBytes(`${url}?token=not-a-token`)).status).toBe(404);
  });

  it("avatars are stored in the bucket and served publicly", async () => {
    const avatar = makePng(32, 32);
    await createPocketBaseBackend(sender.client).users.uploadAvatar(
      new File([new Uint8Array(avatar)], "me.png", { type: "image/png" }),
    );
    const updated = await server.admin.collection("users").getOne<UsersResponse>(sender.record.id);
    expect(updated.avatar).not.toBe("");
    expect(await s3.listKeys("files", `${updated.collectionId}/${updated.id}/`)).toContain(
      `${updated.collectionId}/${updated.id}/${updated.avatar}`,
    );
    const got = await fetchBytes(`${server.url}/api/files/users/${updated.id}/${updated.avatar}`);
    expect(got.status).toBe(200);
    expect(got.body.equals(avatar)).toBe(true);
    expect(localFiles()).toEqual([]);
  });

  it("backups are written to the backups bucket and listed by PocketBase", async () => {
    await server.admin.backups.create("on-s3.zip");
    expect(await s3.listKeys("backups")).toContain("on-s3.zip");
    const listed = await server.admin.backups.getFullList();
    expect(listed.map((b) => b.key)).toContain("on-s3.zip");
    expect(existsSync(join(root, "pb_data", "backups", "on-s3.zip"))).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// The Supabase import with files (a CSV export and a directory copy of the buckets)

const HASH = "cafe0001";
const AVATARS = `make-${HASH}-avatars`;
const UPLOADS = `make-${HASH}-uploads`;
const uuid = (n: number) => `${n}${n}${n}${n}${n}${n}${n}${n}-0000-4000-8000-00000000000${n}`;
const PNG = makePng(4, 4);

function writeExport(dir: string, users: Record<string, string>, roomId: string, msgId: string) {
  mkdirSync(dir, { recursive: true });
  const [ana, ben] = Object.values(users) as [string, string];
  const rows: [string, unknown][] = [
    ...Object.entries(users).map(([name, id]): [string, unknown] => [
      `user:${id}`,
      {
        id,
        email: `${name}@example.com`,
        username: name,
        role: "user",
        created_at: "2025-11-01T10:00:00Z",
        avatar_path: `${id}/avatar.png`,
      },
    ]),
    [
      `room:${roomId}`,
      {
        id: roomId,
        name: "S3",
        type: "public",
        created_by: ana,
        created_at: "2025-11-01T10:00:00Z",
        members: [ana, ben],
      },
    ],
    [
      `message:${msgId}`,
      {
        id: msgId,
        room_id: roomId,
        sender_id: ben,
        content: `https://abcdefgh.supabase.co/storage/v1/object/public/${UPLOADS}/${ben}/1700000000000-pic.png`,
        type: "image",
        created_at: "2025-11-01T11:00:00Z",
      },
    ],
    [`room_messages:${roomId}`, [msgId]],
  ];
  const cell = (t: string) => `"${t.replace(/"/g, '""')}"`;
  writeFileSync(
    join(dir, `kv_store_${HASH}.csv`),
    ["key,value", ...rows.map(([k, v]) => `${cell(k)},${cell(JSON.stringify(v))}`)].join("\n"),
  );
  const hash = bcrypt.hashSync("old-password", 4);
  writeFileSync(
    join(dir, "auth_users.csv"),
    [
      "id,email,encrypted_password,created_at",
      ...Object.entries(users).map(
        ([n, id]) => `${id},${n}@example.com,${hash},2025-11-01T10:00:00Z`,
      ),
    ].join("\n"),
  );
  const buckets = join(dir, "..", "buckets");
  const objects = [
    ...Object.values(users).map((id) => `${AVATARS}/${id}/avatar.png`),
    `${UPLOADS}/${ben}/1700000000000-pic.png`,
  ];
  for (const object of objects) {
    mkdirSync(dirname(join(buckets, object)), { recursive: true });
    writeFileSync(join(buckets, object), PNG);
  }
  // a CSV export carries no row count of its own: the import needs the KV table's count
  return { buckets, kvRows: rows.length };
}

describe("import with files into the S3-backed instance", () => {
  it("into the running server: avatars and attachments land in the bucket and are served", async () => {
    const users = { ana: uuid(1), ben: uuid(2) };
    const roomId = "cccccccc-0000-4000-8000-000000000001";
    const msgId = "dddddddd-0000-4000-8000-000000000001";
    const { buckets, kvRows } = writeExport(join(work, "export-a", "csv"), users, roomId, msgId);
    const report = await runImport({
      from: join(work, "export-a", "csv"),
      to: server.url,
      files: buckets,
      expectRows: kvRows,
      adminEmail: SUPERUSER.email,
      adminPassword: SUPERUSER.password,
    });
    expect(report.missingFiles).toEqual([]);
    expect(report.filesStored).toBe(3);
    const ana = await server.admin.collection("users").getOne(pbId(`user:${users.ana}`));
    const avatarKey = `${ana.collectionId}/${ana.id}/${String(ana["avatar"])}`;
    expect(await s3.listKeys("files", `${ana.collectionId}/${ana.id}/`)).toContain(avatarKey);
    const served = await fetchBytes(`${server.url}/api/files/users/${ana.id}/${ana["avatar"]}`);
    expect(served.status).toBe(200);
    expect(served.body.equals(PNG)).toBe(true);

    const message = await server.admin.collection("messages").getOne(pbId(`message:${msgId}`));
    const ben = anonymous();
    await ben.collection("users").authWithPassword("ben@example.com", "old-password");
    const token = await ben.files.getToken();
    const attachment = (message["attachments"] as string[])[0];
    const got = await fetchBytes(
      `${server.url}/api/files/messages/${message.id}/${attachment}?token=${token}`,
    );
    expect(got.status).toBe(200);
    expect(localFiles()).toEqual([]);
  });
});

describe("import with files into the stopped S3-backed data dir", () => {
  it("`npm run import -- --to pb_data` reads the encrypted S3 settings and stores the files there", async () => {
    const users = { cyd: uuid(3), dan: uuid(4) };
    const roomId = "cccccccc-0000-4000-8000-000000000002";
    const msgId = "dddddddd-0000-4000-8000-000000000002";
    const source = join(work, "export-b", "csv");
    const { buckets, kvRows } = writeExport(source, users, roomId, msgId);
    await instance.stop();
    try {
      // as setup's import offer runs it: the settings key in the environment
      const result = await runScript(
        "import/cli.ts",
        [
          "--from",
          source,
          "--to",
          join(root, "pb_data"),
          "--files",
          buckets,
          "--expect-rows",
          String(kvRows),
        ],
        { ...SUPERUSER_ENV, PB_ENCRYPTION_KEY: rootEnv(root)["PB_ENCRYPTION_KEY"] },
      );
      expect(result.stderr).not.toMatch(/encryption key/);
      expect(result.code).toBe(0);
    } finally {
      instance = await startReplicated(inject("pbBinary"), root, { replicate: false });
      server.admin.baseURL = instance.url;
      server = { url: instance.url, admin: server.admin } as TestServer;
    }
    const cyd = await server.admin.collection("users").getOne(pbId(`user:${users.cyd}`));
    expect(await s3.listKeys("files", `${cyd.collectionId}/${cyd.id}/`)).toContain(
      `${cyd.collectionId}/${cyd.id}/${String(cyd["avatar"])}`,
    );
    expect(localFiles()).toEqual([]);
  });
});

function anonymous(): PocketBase {
  const client = new PocketBase(server.url);
  client.autoCancellation(false);
  return client;
}
