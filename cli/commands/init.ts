/**
 * `loom init`: creates the KV file and writes its schema version (safe to run again).
 *
 * @module
 */

import { dirname, resolve } from "node:path";
import { requireUnstableFeatures, SchemaVersionError } from "../../engine/mod.ts";
import {
  DEFAULT_PARTITIONS,
  KvStore,
  MAX_PARTITIONS,
  openKv,
  SCHEMA_VERSION,
  SchemaMismatch,
} from "../../store/mod.ts";
import { COMMON_OPTIONS, type ParsedArgs } from "../args.ts";
import { CliError, UsageError } from "../errors.ts";
import type { Io } from "../io.ts";
import { exists, isLocalFile, targetOf } from "../target.ts";
import type { Command } from "./command.ts";

/** See the module doc. */
export const initCommand: Command = {
  spec: {
    name: "init",
    summary: "Create the KV file (with its folder) and write its schema version",
    description: [
      "Does nothing to a file that exists, except check that this Loom can read it.",
      "The partition count (how many processes can share the work) is fixed when the file is created; serve and worker create a missing file with the default.",
    ],
    options: {
      ...COMMON_OPTIONS,
      partitions: {
        type: "string",
        value: "N",
        defaultText: String(DEFAULT_PARTITIONS),
        help:
          `Partitions of a new file, 1 to ${MAX_PARTITIONS}: runs are spread over them, and processes sharing the file each run some`,
      },
    },
  },
  async run(args: ParsedArgs, io: Io): Promise<number> {
    const { kvPath } = targetOf(args);
    const asked = args.string("partitions") === undefined
      ? undefined
      : args.int("partitions", DEFAULT_PARTITIONS, { min: 1, max: MAX_PARTITIONS });
    requireUnstableFeatures();
    const s = io.style;
    io.out(s.bold("Initializing Loom database..."));
    const local = isLocalFile(kvPath);
    const existed = local && await exists(kvPath);
    let partitions: number;
    try {
      if (local) await Deno.mkdir(dirname(resolve(kvPath)), { recursive: true });
      const store = new KvStore(await openKv(kvPath), kvPath);
      try {
        await store.ensureSchema();
        partitions = await store.ensurePartitions(asked ?? DEFAULT_PARTITIONS);
      } finally {
        store.close();
      }
    } catch (e) {
      if (e instanceof SchemaMismatch) throw new SchemaVersionError(e.message);
      throw new CliError(`Initialization failed: ${(e as Error).message}`);
    }
    if (asked !== undefined && asked !== partitions) {
      throw new UsageError(
        `${kvPath} has ${partitions} partitions, fixed when it was created: --partitions ${asked} cannot change it`,
        "init",
      );
    }
    const detail = s.dim(`(schema version ${SCHEMA_VERSION}, ${partitions} partitions)`);
    io.out(
      existed
        ? `Database already initialized at ${kvPath} ${detail}`
        : s.green(`Database initialized at ${kvPath} ${detail}`),
    );
    return 0;
  },
};
