// A long-lived sqlite3 CLI process (C SQLite) with SQL piped on stdin: the import's direct writer
// for a stopped data dir. Requests are pipelined: each is written at once and followed by a
// marker SELECT; the request is done when its marker comes back on stdout, i.e. after every
// statement before it (the COMMIT included) has completed. `.bail on` makes the CLI exit at the
// first error, so a request that fails never reaches its marker and an open transaction dies with
// the process (SQLite rolls it back). stderr is merged into stdout by the shell, so an error
// message arrives in order, before the marker of the request that caused it.
import { spawn, spawnSync, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";

const MARKER = "konvert-done:";

/** A request the CLI did not complete; `ran` says whether it was the one executing at the end. */
export class SqliteError extends Error {
  constructor(
    message: string,
    readonly ran: boolean,
  ) {
    super(message);
  }
}

/** The import's statements use `->>` (SQLite 3.38). */
const MIN_VERSION = [3, 38];

/**
 * The sqlite3 binary to use (KONVERT_IMPORT_SQLITE3, default "sqlite3"), if it runs and is new
 * enough; otherwise why not.
 */
export function findSqlite3(): { bin: string } | { missing: string } {
  const bin = process.env["KONVERT_IMPORT_SQLITE3"] ?? "sqlite3";
  if (bin === "") return { missing: "disabled by KONVERT_IMPORT_SQLITE3=''" };
  const probe = spawnSync(bin, ["-version"], { encoding: "utf8" });
  if (probe.status !== 0) return { missing: `${bin} did not run (not on PATH?)` };
  const version = /^(\d+)\.(\d+)/.exec(probe.stdout)?.slice(1).map(Number) ?? [0, 0];
  const [major = 0, minor = 0] = version;
  const [needMajor = 0, needMinor = 0] = MIN_VERSION;
  if (major < needMajor || (major === needMajor && minor < needMinor)) {
    return { missing: `${bin} is ${version.join(".")}, older than ${MIN_VERSION.join(".")}` };
  }
  return { bin };
}

interface Pending {
  id: number;
  resolve: (output: string) => void;
  reject: (err: SqliteError) => void;
}

export class SqliteSession {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly pending: Pending[] = [];
  private output: string[] = [];
  private partial = "";
  private nextId = 1;
  private exited: Promise<number>;
  /** Set once the process is gone; every later request fails with it. */
  private failure: string | undefined;

  constructor(
    bin: string,
    private readonly database: string,
  ) {
    // exec: the shell's pid becomes sqlite3's, so a kill reaches the CLI itself
    this.child = spawn("sh", ["-c", 'exec "$0" -batch -bail "$1" 2>&1', bin, database], {
      stdio: ["pipe", "pipe", "ignore"],
    });
    // a write after the CLI died fails with EPIPE; the close handler reports the real cause
    this.child.stdin.on("error", () => {});
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => this.read(chunk));
    this.exited = new Promise((resolve) => {
      this.child.on("close", (code, signal) => {
        this.fail(`sqlite3 on ${this.database} exited (${signal ?? `code ${code}`})`);
        resolve(code ?? -1);
      });
      this.child.on("error", (err) => {
        this.fail(`sqlite3 on ${this.database} did not start: ${err.message}`);
        resolve(-1);
      });
    });
  }

  get alive(): boolean {
    return this.failure === undefined;
  }

  /**
   * Runs SQL (and dot commands, one per line) and resolves with what it printed. Rejects with a
   * SqliteError when the CLI stops before completing it.
   */
  request(sql: string): Promise<string> {
    if (this.failure !== undefined) return Promise.reject(new SqliteError(this.failure, false));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.push({ id, resolve, reject });
      this.child.stdin.write(`${sql}\nSELECT '${MARKER}${id}';\n`);
    });
  }

  /** Ends the input and waits for the CLI to exit; a non-zero exit is an error. */
  async close(): Promise<void> {
    // after a failure the error already went to the request that caused it
    const failedBefore = this.failure !== undefined;
    if (!failedBefore) this.child.stdin.end();
    const code = await this.exited;
    if (code !== 0 && !failedBefore) throw new Error(this.failure);
  }

  private read(chunk: string): void {
    const lines = (this.partial + chunk).split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) {
      const head = this.pending[0];
      if (head && line === `${MARKER}${head.id}`) {
        this.pending.shift();
        head.resolve(this.output.join("\n"));
        this.output = [];
      } else {
        this.output.push(line);
      }
    }
  }

  private fail(reason: string): void {
    if (this.failure !== undefined) return;
    const said = [...this.output, this.partial].join("\n").trim();
    this.failure = said === "" ? reason : `${reason}: ${said}`;
    // the first pending request is the one the CLI was executing; the later ones never ran
    this.pending
      .splice(0)
      .forEach((p, i) => p.reject(new SqliteError(this.failure ?? "", i === 0)));
  }
}
