import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file lives in scripts/lib/). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
