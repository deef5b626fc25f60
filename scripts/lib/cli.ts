// Argument parsing for the operator's scripts: `--help` prints the usage, and a mistyped option
// prints what is wrong and the usage (exit code 2), never a stack trace.
import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Cli<T extends Options> {
  values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true }>>["values"];
  positionals: string[];
}

/** Parses `process.argv`; on `--help` or a bad option prints and exits before returning. */
export function parseCli<T extends Options>(
  usage: string,
  options: T,
  argv: string[] = process.argv.slice(2),
): Cli<T> {
  let parsed: Cli<T>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    });
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
    process.exit(2);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
}
