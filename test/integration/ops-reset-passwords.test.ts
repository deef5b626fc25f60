// `npm run reset-passwords` end to end: users the import could not give a usable password get
// PocketBase's reset e-mail through a real SMTP server started here (issue #22), and the legacy
// sign-in tells them to check their e-mail instead of "wrong password".
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript } from "../ops/run-script.ts";
import { SUPERUSER } from "../support/constants.ts";
import { legacyFetch } from "../support/legacy-api.ts";
import { waitUntil } from "../support/realtime.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { createUser, type TestUser } from "../support/users.ts";

interface Mail {
  to: string[];
  body: string;
}

let server: TestServer;
let smtp: SMTPServer;
const mails: Mail[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, done) {
      let body = "";
      stream.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const address = smtp.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  server = await startPocketBase();
  await server.admin.settings.update({
    meta: { senderAddress: "noreply@konvert.test", senderName: "Konvert" },
    smtp: { enabled: true, host: "127.0.0.1", port, tls: false },
  });
});
afterAll(async () => {
  await server.stop();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

/** What the import writes for a user whose hash it could not carry over: no usable password. */
function dropPassword(user: TestUser, hash = ""): void {
  execFileSync("sqlite3", [
    "-cmd",
    ".timeout 5000",
    join(server.dataDir, "data.db"),
    `UPDATE users SET password = '${hash}' WHERE id = '${user.record.id}'`,
  ]);
}

const admin = { PB_ADMIN_EMAIL: SUPERUSER.email, PB_ADMIN_PASSWORD: SUPERUSER.password };

describe("reset-passwords", () => {
  it("lists in a dry run, then mails exactly the users without a usable password", async () => {
    const [fine, empty, argon] = await Promise.all([
      createUser(server),
      createUser(server),
      createUser(server),
    ]);
    dropPassword(empty);
    dropPassword(argon, "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA");

    const dry = await runScript("reset-passwords.ts", ["--url", server.url, "--dry-run"], admin);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(empty.record.email);
    expect(dry.stdout).toContain(argon.record.email);
    expect(dry.stdout).not.toContain(fine.record.email);
    expect(dry.stdout).toMatch(/dry run: 2 user\(s\)/);
    expect(mails).toEqual([]);

    const run = await runScript(
      "reset-passwords.ts",
      ["--url", server.url, "--per-second", "20"],
      admin,
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/2 e-mail\(s\) sent, 0 failed/);
    // PocketBase hands the mail to SMTP after answering the request
    await waitUntil(() => mails.length >= 2, "two reset mails");
    const recipients = mails.flatMap((m) => m.to).sort();
    expect(recipients).toEqual([empty.record.email, argon.record.email].sort());
    // PocketBase's reset mail, with its confirm link
    expect(mails[0]!.body).toMatch(/reset/i);
  });

  it("refuses to send when the server has no SMTP, and says why", async () => {
    const other = await startPocketBase();
    try {
      const user = await createUser(other);
      execFileSync("sqlite3", [
        "-cmd",
        ".timeout 5000",
        join(other.dataDir, "data.db"),
        `UPDATE users SET password = '' WHERE id = '${user.record.id}'`,
      ]);
      const run = await runScript("reset-passwords.ts", ["--url", other.url], admin);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/SMTP is not enabled/);
    } finally {
      await other.stop();
    }
  });

  it("answers a legacy sign-in without a usable password with 'check your e-mail'", async () => {
    const [user, fine] = await Promise.all([createUser(server), createUser(server)]);
    dropPassword(user);
    const res = await legacyFetch<{ error: string; code: string }>(
      server,
      "POST",
      "/auth/signin",
      undefined,
      { email: user.record.email, password: "whatever-they-remember" },
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("PASSWORD_RESET_REQUIRED");
    expect(res.body.error).toMatch(/проверьте почту/);
    const wrong = await legacyFetch<{ code: string }>(server, "POST", "/auth/signin", undefined, {
      email: fine.record.email,
      password: "not-their-password",
    });
    expect(wrong.body.code).toBe("INVALID_CREDENTIALS");
  });
});
