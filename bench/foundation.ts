// `npm run bench`: what our hooks cost on the foundation's write paths, against plain PocketBase
// with the same schema in the same run.
//   - create a private room (konvert: validation + room + owner membership in one transaction)
//   - list my rooms (the membership-join API rule, identical on both)
//   - sign in with password
import PocketBase from "pocketbase";
import { measure, printTable, startTargets, type Stats } from "./lib.ts";

const COUNT = Number(process.env["BENCH_COUNT"] ?? 400);
const CONCURRENCY = Number(process.env["BENCH_CONCURRENCY"] ?? 8);

const { targets, stop } = await startTargets();
const rows: { operation: string; target: string; stats: Stats }[] = [];
try {
  for (const target of targets) {
    const password = "bench-user-password";
    const user = await target.admin.collection("users").create({
      email: "user@bench.test",
      username: "bench_user",
      password,
      passwordConfirm: password,
      role: "user",
    });
    const client = new PocketBase(target.instance.url);
    client.autoCancellation(false);
    await client.collection("users").authWithPassword("bench_user", password);
    if (target.name === "plain") {
      // Plain PocketBase has no hook to add the membership; give it the same rows to list.
      await client.collection("rooms").create({ name: "warm-up", type: "private" });
    }

    rows.push({
      operation: `create private room (c=${CONCURRENCY})`,
      target: target.name,
      stats: await measure(COUNT, CONCURRENCY, (i) =>
        client.collection("rooms").create({ name: `room ${i}`, type: "private" }),
      ),
    });
    if (target.name === "plain") {
      const rooms = await target.admin.collection("rooms").getFullList({ fields: "id" });
      await Promise.all(
        rooms.map((r) =>
          target.admin
            .collection("room_members")
            .create({ room: r.id, user: user.id, role: "owner" }),
        ),
      );
    }
    rows.push({
      operation: `list my rooms, 50/page (c=${CONCURRENCY})`,
      target: target.name,
      stats: await measure(COUNT, CONCURRENCY, () =>
        client.collection("rooms").getList(1, 50, { sort: "-created" }),
      ),
    });
    rows.push({
      operation: `sign in with password (c=${CONCURRENCY})`,
      target: target.name,
      stats: await measure(Math.min(COUNT, 100), CONCURRENCY, () =>
        new PocketBase(target.instance.url)
          .collection("users")
          .authWithPassword("bench_user", password),
      ),
    });
  }
} finally {
  await stop();
}
printTable(rows.sort((a, b) => a.operation.localeCompare(b.operation)));
