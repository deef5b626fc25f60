// The typed client as a frontend gets it: `npm pack` of client/ (@konvert/client), installed from
// the tarball into a scratch app, type-checked and built by Vite, served, and driven in Debian's
// Chromium (playwright-core) by two users in two browser contexts against the real PocketBase.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/paths.ts";
import { seedMembership, seedRoom } from "../support/rooms.ts";
import { startPocketBase, type TestServer } from "../support/server.ts";
import { startProxy, type Proxy } from "../support/tcp-proxy.ts";
import { createUser, type TestUser } from "../support/users.ts";

const CHROMIUM = process.env.KONVERT_CHROMIUM ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `test/browser: the Chromium tests are skipped, no Chromium at ${CHROMIUM} (apt-get install chromium, or set KONVERT_CHROMIUM)`,
  );
}
const rootPackage = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};

let work: string;
let server: TestServer;
let proxy: Proxy;
let site: Server;
let siteUrl: string;
let browser: Browser;
let alice: TestUser;
let bob: TestUser;
let general: string;
let other: string;
const cleanUps: (() => Promise<unknown>)[] = [];

/** What the example page records (client/example/main.ts): ms when a message was sent, shown. */
type Timings = Window & {
  konvert: { sent: Record<string, number>; shown: Record<string, number> };
};

/** Packs client/ and builds client/example/ as an app that installed the tarball. */
function buildApp(): string {
  const npm = (args: string[], cwd: string) =>
    execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  // prepack builds client/dist first (scripts/build-client.mjs)
  npm(["pack", "--silent", "--pack-destination", work], join(REPO_ROOT, "client"));
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack made no tarball");

  const app = join(work, "app");
  cpSync(join(REPO_ROOT, "client/example"), app, { recursive: true });
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({
      name: "konvert-client-example",
      private: true,
      type: "module",
      dependencies: {
        "@konvert/client": `file:../${tarball}`,
        pocketbase: rootPackage.dependencies.pocketbase,
      },
    }),
  );
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2022",
        lib: ["es2022", "dom", "dom.iterable"],
        module: "esnext",
        moduleResolution: "bundler",
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: [],
      },
      include: ["main.ts"],
    }),
  );
  // the root's npm cache already holds pocketbase: no network needed in the usual case
  npm(["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], app);
  // the package's declarations must serve a consumer's strict type check on their own
  const bin = (pkg: string, file: string) => join(REPO_ROOT, "node_modules", pkg, file);
  execFileSync(process.execPath, [bin("typescript", "bin/tsc"), "-p", "tsconfig.json"], {
    cwd: app,
    stdio: "pipe",
  });
  execFileSync(process.execPath, [bin("vite", "bin/vite.js"), "build", "--logLevel", "warn"], {
    cwd: app,
    stdio: "pipe",
  });
  return join(app, "dist");
}

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
};

async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const file = join(dir, path === "/" ? "index.html" : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    server,
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
  };
}

async function signedIn(user: TestUser, pbUrl: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error("page error:", err.message));
  await page.goto(`${siteUrl}/?pb=${encodeURIComponent(pbUrl)}`);
  await page.locator("#login").fill(user.record.username);
  await page.locator("#password").fill(user.password);
  await page.locator("#signin-btn").click();
  await page.locator("#me", { hasText: user.record.username }).waitFor();
  return page;
}

const room = (page: Page, id: string) => page.locator(`#rooms li[data-room-id="${id}"]`);

async function enter(page: Page, id: string): Promise<void> {
  await room(page, id).click();
  await page.locator("#room-name").waitFor();
  // the room's subscription is live once markAsRead cleared the badge
  await expect.poll(() => room(page, id).locator(".unread").textContent()).toBe("");
}

async function send(page: Page, text: string): Promise<void> {
  await page.locator("#text").fill(text);
  await page.locator("#send").click();
}

const messages = (page: Page, text: string) =>
  page.locator("#messages li .content", { hasText: new RegExp(`^${text}$`) });

let dist: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "konvert-browser-"));
  cleanUps.push(() => {
    rmSync(work, { recursive: true, force: true });
    return Promise.resolve();
  });
  dist = buildApp();
});

afterAll(async () => {
  // in reverse, and only what got started
  for (const cleanUp of cleanUps.reverse()) await cleanUp().catch(() => undefined);
});

describe("the packed client", () => {
  it("stands alone: one ES module importing only the pocketbase SDK, with declarations", () => {
    const installed = join(work, "app/node_modules/@konvert/client");
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as {
      peerDependencies: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    expect(manifest.dependencies).toBeUndefined();
    expect(Object.keys(manifest.peerDependencies)).toEqual(["pocketbase"]);
    const bundle = readFileSync(join(installed, "dist/index.js"), "utf8");
    const imported = [...bundle.matchAll(/^import\b[^"]*"([^"]+)"/gm)].map((m) => m[1]);
    expect(new Set(imported)).toEqual(new Set(["pocketbase"]));
    expect(existsSync(join(installed, "dist/index.d.ts"))).toBe(true);
    // the page built (buildApp type-checked it against the package's declarations first)
    expect(readFileSync(join(dist, "index.html"), "utf8")).toMatch(/<script type="module"/);
  });
});

describe.skipIf(!hasChromium)("the packed client in Chromium", () => {
  beforeAll(async () => {
    server = await startPocketBase();
    cleanUps.push(() => server.stop());
    [alice, bob] = await Promise.all([createUser(server), createUser(server)]);
    general = (await seedRoom(server, "private", [alice], "general")).id;
    other = (await seedRoom(server, "private", [alice], "other")).id;
    await seedMembership(server, general, bob);
    await seedMembership(server, other, bob);
    proxy = await startProxy(server.url);
    cleanUps.push(() => proxy.close());
    ({ server: site, url: siteUrl } = await serve(dist));
    cleanUps.push(() => new Promise((resolve) => site.close(resolve)));
    // root runs without a user namespace to sandbox in
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    cleanUps.push(() => browser.close());
  });

  it("carries messages, reactions, typing and unread counts live; survives reloads and outages", async () => {
    // alice reaches PocketBase through a proxy the test can take down; bob directly
    const a = await signedIn(alice, proxy.url);
    const b = await signedIn(bob, server.url);
    await enter(a, general);
    await enter(b, general);

    // a message shows on the other side within half a second
    for (const text of ["hello-1", "hello-2", "hello-3"]) {
      await send(b, text);
      await messages(a, text).waitFor({ timeout: 5_000 });
      const sent = await b.evaluate((t) => (window as unknown as Timings).konvert.sent[t], text);
      const shown = await a.evaluate((t) => (window as unknown as Timings).konvert.shown[t], text);
      expect(shown! - sent!).toBeLessThan(500);
    }
    await expect.poll(() => messages(b, "hello-1").count()).toBe(1);

    // reactions and typing
    await b.locator("#messages li", { hasText: "hello-1" }).locator(".react").click();
    await a
      .locator("#messages li", { hasText: "hello-1" })
      .locator(".reactions", { hasText: `by ${bob.record.id}` })
      .waitFor({ timeout: 5_000 });
    await b.locator("#text").pressSequentially("typ");
    await a.locator("#typing", { hasText: bob.record.id }).waitFor({ timeout: 5_000 });

    // a message in a room alice has not open raises its unread count
    await enter(b, other);
    await send(b, "elsewhere-1");
    await send(b, "elsewhere-2");
    await expect.poll(() => room(a, other).locator(".unread").textContent()).toBe("2");

    // a reload keeps the session (the SDK's localStorage)
    await a.reload();
    await a.locator("#me", { hasText: alice.record.username }).waitFor();
    await expect.poll(() => room(a, other).locator(".unread").textContent()).toBe("2");
    await enter(a, general);
    await messages(a, "hello-3").waitFor();

    // an outage: what bob sends meanwhile shows once alice is back, each message once
    await enter(b, general);
    proxy.setDown(true);
    for (const text of ["during-1", "during-2", "during-3"]) await send(b, text);
    await messages(b, "during-3").waitFor();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await messages(a, "during-1").count()).toBe(0);
    proxy.setDown(false);
    for (const text of ["during-1", "during-2", "during-3"]) {
      await messages(a, text).waitFor({ timeout: 15_000 });
    }
    // and live delivery resumes
    await send(b, "after-1");
    await messages(a, "after-1").waitFor({ timeout: 5_000 });
    for (const text of ["hello-1", "hello-3", "during-1", "during-2", "during-3", "after-1"]) {
      expect(await messages(a, text).count(), text).toBe(1);
    }
  });
});
