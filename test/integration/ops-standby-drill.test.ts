// The standby drill, as docs/operations.md writes it: a primary set up with a replica on S3 and
// its files on S3 takes sends from four users; the machine dies mid-load (SIGKILL to Litestream
// and PocketBase, then its data dir is deleted); a fresh machine with only the kept `.env`
// restores from the replica, is set up, serves, and has every acknowledged message up to the
// recovery point with no gap, its users sign in and their files load.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createPocketBaseBackend } from "../../client/index.ts";
import { runScript } from "../ops/run-script.ts";
import { SUPERUSER } from "../support/constants.ts";
import { makePng } from "../support/png.ts";
import {
  restoreReplicaTo,
  rootEnv,
  sqlite,
  startReplicated,
  type ReplicatedInstance,
} from "../support/replica.ts";
import { seedMembership, seedRoom } from "../support/rooms.ts";
import { dropAwsCaBundle, startS3, type S3Server } from "../support/s3.ts";
import type { TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

const SENDERS = 4;
const LOAD_MS = 6_000;

let s3: S3Server;
const work = mkdtempSync(join(tmpdir(), "konvert-drill-"));
const primaryRoot = join(work, "primary");
const standbyRoot = join(work, "standby");
let primary: ReplicatedInstance | undefined;
let standby: ReplicatedInstance | undefined;

interface Ack {
  id: string;
  at: number;
}
const acked: Ack[] = [];
let killedAt = 0;
let users: TestUser[] = [];
let roomId = "";
let attachment: { messageId: string; name: string; bytes: Buffer } = {
  messageId: "",
  name: "",
  bytes: Buffer.alloc(0),
};
let restoreSeconds = 0;

function serverAt(url: string, admin: PocketBase): TestServer {
  return { url, admin } as TestServer;
}

async function signedInAdmin(url: string): Promise<PocketBase> {
  const admin = new PocketBase(url);
  admin.autoCancellation(false);
  await admin.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
  return admin;
}

const setupEnv = () => ({
  PB_ADMIN_EMAIL: SUPERUSER.email,
  PB_ADMIN_PASSWORD: SUPERUSER.password,
  LITESTREAM_ACCESS_KEY_ID: s3.accessKey,
  LITESTREAM_SECRET_ACCESS_KEY: s3.secret,
  S3_FILES_BUCKET: "files",
  S3_FILES_ENDPOINT: s3.endpoint,
  S3_FILES_ACCESS_KEY: s3.accessKey,
  S3_FILES_SECRET: s3.secret,
});

beforeAll(async () => {
  dropAwsCaBundle();
  s3 = await startS3({ buckets: ["replica", "files"] });
  const replicate = ["--replicate", "s3://replica/drill", "--replica-endpoint", s3.endpoint];
  const setup = await runScript(
    "setup.ts",
    ["--root", primaryRoot, "--no-import", ...replicate],
    setupEnv(),
  );
  expect(setup.stderr).toBe("");
  expect(setup.code).toBe(0);
  primary = await startReplicated(inject("pbBinary"), primaryRoot);
  const admin = await signedInAdmin(primary.url);
  await admin.settings.update({ rateLimits: { excludedIPs: ["127.0.0.1"] } });
  const server = serverAt(primary.url, admin);
  users = await Promise.all(Array.from({ length: SENDERS }, () => createUser(server)));
  const [owner, ...others] = users as [TestUser, ...TestUser[]];
  roomId = (await seedRoom(server, "private", [owner])).id;
  for (const other of others) await seedMembership(server, roomId, other);
  const bytes = makePng(64, 48);
  const withFile = await createPocketBaseBackend(owner.client).messages.sendWithFiles(
    roomId,
    "image",
    [new File([new Uint8Array(bytes)], "drill.png", { type: "image/png" })],
  );
  attachment = { messageId: withFile.id, name: withFile.attachments[0] ?? "", bytes };

  // Four users send as fast as the server acknowledges until the machine dies under them.
  let killed = false;
  const dead = () => killed;
  const sender = async (user: TestUser, n: number) => {
    const messages = createPocketBaseBackend(user.client).messages;
    for (let i = 0; !dead(); i++) {
      try {
        const message = await messages.sendMessage(roomId, `drill ${n}-${i}`);
        acked.push({ id: message.id, at: Date.now() });
      } catch {
        if (!dead()) throw new Error("a send failed before the machine died");
      }
    }
  };
  const load = Promise.all(users.map((u, n) => sender(u, n)));
  await new Promise((r) => setTimeout(r, LOAD_MS));
  primary.kill();
  killedAt = Date.now();
  killed = true;
  await load;
  rmSync(join(primaryRoot, "pb_data"), { recursive: true, force: true });

  // The standby: only the .env that the operator kept, then the documented steps.
  mkdirSync(standbyRoot);
  copyFileSync(join(primaryRoot, ".env"), join(standbyRoot, ".env"));
  const started = performance.now();
  const restore = await runScript(
    "restore.ts",
    [
      "--from-replica",
      "--config",
      join(standbyRoot, "litestream.yml"),
      "--data-dir",
      join(standbyRoot, "pb_data"),
    ],
    rootEnv(standbyRoot),
  );
  restoreSeconds = (performance.now() - started) / 1000;
  expect(restore.stderr).toBe("");
  expect(restore.code).toBe(0);
  const standbySetup = await runScript(
    "setup.ts",
    ["--root", standbyRoot, "--no-import"],
    rootEnv(standbyRoot),
  );
  expect(standbySetup.stderr).toBe("");
  expect(standbySetup.code).toBe(0);
  standby = await startReplicated(inject("pbBinary"), standbyRoot);
}, 240_000);

afterAll(async () => {
  primary?.kill();
  await standby?.stop();
  await s3.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("standby drill", () => {
  it("has every acknowledged message up to the recovery point, with no gap", async () => {
    const admin = await signedInAdmin(standby!.url);
    const restored = await admin
      .collection("messages")
      .getFullList({ filter: `room = "${roomId}"`, fields: "id", batch: 1000 });
    const present = new Set(restored.map((r) => r.id));
    acked.sort((a, b) => a.at - b.at);
    const lost = acked.filter((a) => !present.has(a.id));
    const lastKept = acked.filter((a) => present.has(a.id)).at(-1);
    expect(acked.length).toBeGreaterThan(20);
    expect(lastKept).toBeDefined();
    // no acknowledged message older than the newest restored one is missing
    expect(lost.filter((a) => a.at <= lastKept!.at - 1_000)).toEqual([]);
    const recoveryPointS = (killedAt - lastKept!.at) / 1000;
    console.log(
      `standby drill: ${acked.length} acknowledged sends in ${LOAD_MS / 1000} s, ` +
        `${lost.length} lost, recovery point ${recoveryPointS.toFixed(2)} s before the kill, ` +
        `restore ${restoreSeconds.toFixed(1)} s, load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")}`,
    );
    // Litestream ships every second (sync-interval 1s)
    expect(recoveryPointS).toBeLessThan(5);
  });

  it("its users sign in with their passwords and their files load from the bucket", async () => {
    const user = users[1]!;
    const client = new PocketBase(standby!.url);
    await client.collection("users").authWithPassword(user.record.username, user.password);
    const token = await client.files.getToken();
    const res = await fetch(
      `${standby!.url}/api/files/messages/${attachment.messageId}/${attachment.name}?token=${token}`,
    );
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(attachment.bytes)).toBe(true);
  });

  it("takes new sends and replicates them on the same path", async () => {
    const user = users[2]!;
    const client = new PocketBase(standby!.url);
    await client.collection("users").authWithPassword(user.record.username, user.password);
    const sent = await createPocketBaseBackend(client).messages.sendMessage(roomId, "after");
    // the replica (read back by Litestream's own restore) receives it
    const probe = join(work, "probe.db");
    const deadline = Date.now() + 30_000;
    let found = false;
    while (!found && Date.now() < deadline) {
      try {
        await restoreReplicaTo(standbyRoot, probe);
        found = (await sqlite(probe, `SELECT 1 FROM messages WHERE id = '${sent.id}'`)).length > 0;
      } catch {
        // not shipped yet
      }
      if (!found) await new Promise((r) => setTimeout(r, 250));
    }
    expect(found).toBe(true);
  });
});
