// `npm run bench:achievements`: the send-message path with achievement tracking on against the
// same hooks with tracking off (KONVERT_ACHIEVEMENTS=off), both servers up at once and measured in
// alternating rounds (the median round counts), so machine noise hits both alike. Plain
// PocketBase without hooks is printed as the common baseline.
import PocketBase from "pocketbase";
import { measure, printTable, startTargets, type Stats, type Target } from "./lib.ts";

const COUNT = Number(process.env["BENCH_COUNT"] ?? 300);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const LEVELS = [1, 8, 64];

process.env["KONVERT_ACHIEVEMENTS"] = "off";
const off = await startTargets();
delete process.env["KONVERT_ACHIEVEMENTS"];
const on = await startTargets();

/** A private room with two members; returns a signed-in client of the sender and the room id. */
async function prepare(target: Target): Promise<{ client: PocketBase; room: string }> {
  const password = "bench-user-password";
  const users = [];
  for (const name of ["sender_a", "sender_b"]) {
    users.push(
      await target.admin.collection("users").create({
        email: `${name}@bench.test`,
        username: name,
        password,
        passwordConfirm: password,
        role: "user",
      }),
    );
  }
  const room = await target.admin
    .collection("rooms")
    .create({ name: "bench", type: "private", keyVersion: 0 });
  for (const user of users) {
    await target.admin
      .collection("room_members")
      .create({ room: room.id, user: user.id, role: "member" });
  }
  const client = new PocketBase(target.instance.url);
  client.autoCancellation(false);
  await client.collection("users").authWithPassword("sender_a", password);
  return { client, room: room.id };
}

function byName(targets: Target[], name: string): Target {
  const target = targets.find((t) => t.name === name);
  if (!target) throw new Error(`no ${name} target`);
  return target;
}
const runs = [
  { label: "tracking off", target: byName(off.targets, "konvert") },
  { label: "tracking on", target: byName(on.targets, "konvert") },
  { label: "plain", target: byName(off.targets, "plain") },
];
const rows: { operation: string; target: string; stats: Stats }[] = [];
const medians = new Map<string, number>();
try {
  const prepared = await Promise.all(
    runs.map(async (run) => ({ ...run, ...(await prepare(run.target)) })),
  );
  for (const concurrency of LEVELS) {
    const rates = new Map<string, Stats[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const { label, client, room } of prepared) {
        const stats = await measure(COUNT, concurrency, (n) =>
          client.collection("messages").create({
            room,
            type: "text",
            content: n % 10 === 0 ? `hey @sender_b, message ${n}` : `message ${n} of the benchmark`,
          }),
        );
        rates.set(label, [...(rates.get(label) ?? []), stats]);
      }
    }
    for (const run of runs) {
      const all = (rates.get(run.label) ?? []).sort((a, b) => a.perSecond - b.perSecond);
      const median = all[Math.floor(all.length / 2)];
      if (!median) continue;
      rows.push({ operation: `send message (c=${concurrency})`, target: run.label, stats: median });
      medians.set(`${run.label}:${concurrency}`, median.perSecond);
    }
  }
} finally {
  await Promise.all([off.stop(), on.stop()]);
}
printTable(rows);
console.log(`\nmedian of ${ROUNDS} alternating rounds of ${COUNT} sends each`);
console.log("throughput ratio tracking on / tracking off (target >= 0.85):");
for (const c of LEVELS) {
  const ratio = (medians.get(`tracking on:${c}`) ?? 0) / (medians.get(`tracking off:${c}`) ?? 1);
  console.log(`  c=${String(c).padEnd(3)} ${ratio.toFixed(2)}`);
}
