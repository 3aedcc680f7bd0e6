/**
 * `loom init`: creates the KV file and writes its schema version (safe to run again).
 *
 * @module
 */

import { dirname, resolve } from "node:path";
import { requireUnstableFeatures, SchemaVersionError } from "../../engine/mod.ts";
import { KvStore, openKv, SCHEMA_VERSION, SchemaMismatch } from "../../store/mod.ts";
import { COMMON_OPTIONS, type ParsedArgs } from "../args.ts";
import { CliError } from "../errors.ts";
import type { Io } from "../io.ts";
import { exists, isLocalFile, targetOf } from "../target.ts";
import type { Command } from "./command.ts";

/** See the module doc. */
export const initCommand: Command = {
  spec: {
    name: "init",
    summary: "Create the KV file (with its folder) and write its schema version",
    description: ["Does nothing to a file that exists, except check that this Loom can read it."],
    options: { ...COMMON_OPTIONS },
  },
  async run(args: ParsedArgs, io: Io): Promise<number> {
    const { kvPath } = targetOf(args);
    requireUnstableFeatures();
    const s = io.style;
    io.out(s.bold("Initializing Loom database..."));
    const local = isLocalFile(kvPath);
    const existed = local && await exists(kvPath);
    try {
      if (local) await Deno.mkdir(dirname(resolve(kvPath)), { recursive: true });
      const store = new KvStore(await openKv(kvPath), kvPath);
      try {
        await store.ensureSchema();
      } finally {
        store.close();
      }
    } catch (e) {
      if (e instanceof SchemaMismatch) throw new SchemaVersionError(e.message);
      throw new CliError(`Initialization failed: ${(e as Error).message}`);
    }
    io.out(
      existed
        ? `Database already initialized at ${kvPath} ${s.dim(`(schema version ${SCHEMA_VERSION})`)}`
        : s.green(`Database initialized at ${kvPath}`),
    );
    return 0;
  },
};
