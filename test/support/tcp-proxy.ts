// A loopback TCP proxy whose connections a test can cut, to simulate a network blip between a
// client and PocketBase (the SSE stream drops; the client has to reconnect by itself).
import { createServer, connect, type Socket } from "node:net";

export interface Proxy {
  url: string;
  /** Destroys every open connection (new ones are still accepted). */
  cut: () => void;
  /** While down, every connection is cut and new ones are dropped at once (an outage, not a blip). */
  setDown: (down: boolean) => void;
  close: () => Promise<void>;
}

export async function startProxy(targetUrl: string): Promise<Proxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let down = false;
  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    setDown: (value) => {
      down = value;
      if (down) for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
