export * from "./interface.ts";
export { KonvertError } from "./errors.ts";
export { createPocketBaseBackend, type PocketBaseBackend } from "./pocketbase/index.ts";
