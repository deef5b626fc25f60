// `npm start`: fetch PocketBase if needed, build the hooks, serve on 127.0.0.1:8090 (PB_HTTP).
import { prepare, serve } from "./lib/serve.ts";

try {
  const binary = await prepare();
  process.exitCode = await serve(binary, ["--hooksWatch=false", "--automigrate=false"]);
} catch (err) {
  console.error(`start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
