// The write-ahead log is checkpointed every WAL_AUTOCHECKPOINT_PAGES pages instead of SQLite's
// 1 000 (rules/wal.ts), unless the operator turns that off.
import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser } from "../support/users.ts";

const PAGE = 4096;

/** Sends messages and returns the size of the log afterwards, in pages. */
async function walPagesAfterSends(server: TestServer, count: number): Promise<number> {
  const user = await createUser(server);
  const room = await seedRoom(server, "private", [user]);
  for (let i = 0; i < count; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        user.client
          .collection("messages")
          .create({ room: room.id, content: `message ${i + j} ${"x".repeat(200)}` }),
      ),
    );
  }
  return statSync(join(server.dataDir, "data.db-wal")).size / PAGE;
}

describe("WAL checkpoints", () => {
  it("happen far less often than SQLite's default, unless turned off", async () => {
    const tuned = await startPocketBase();
    const untouched = await startPocketBase({ env: { KONVERT_WAL_AUTOCHECKPOINT: "off" } });
    try {
      const [grown, capped] = await Promise.all([
        walPagesAfterSends(tuned, 300),
        walPagesAfterSends(untouched, 300),
      ]);
      // SQLite's default restarts the log after about 1 000 pages
      expect(capped).toBeLessThan(1500);
      expect(grown).toBeGreaterThan(2000);
    } finally {
      await Promise.all([tuned.stop(), untouched.stop()]);
    }
  });
});
