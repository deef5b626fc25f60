// Modules whose server side is not built yet: every call fails loudly instead of pretending.
import { KonvertError } from "../errors.ts";

export function pendingModule(name: string): object {
  return new Proxy(
    {},
    {
      get(_target, method) {
        if (typeof method !== "string" || method === "then") return undefined;
        return () =>
          Promise.reject(
            new KonvertError(`${name}.${method} is not available on this server yet.`, 501),
          );
      },
    },
  );
}
