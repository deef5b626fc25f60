// Modules whose server side is not (fully) built yet: methods not in `implemented` fail loudly
// instead of pretending.
import { KonvertError } from "../errors.ts";

export function pendingModule(name: string, implemented: object = {}): object {
  return new Proxy(implemented, {
    get(target, method, receiver) {
      if (typeof method !== "string" || method === "then") return undefined;
      if (method in target) return Reflect.get(target, method, receiver) as unknown;
      return () =>
        Promise.reject(
          new KonvertError(`${name}.${method} is not available on this server yet.`, 501),
        );
    },
  });
}
