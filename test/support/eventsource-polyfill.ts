// The PocketBase SDK's realtime client needs a global EventSource, which Node 20 lacks.
import { EventSource } from "eventsource";

(globalThis as { EventSource?: unknown }).EventSource ??= EventSource;
