/**
 * The schema version key: written when a file is first used, checked at every open.
 *
 * @module
 */

import { keys } from "./keys.ts";

/** The layout version this code reads and writes. */
export const SCHEMA_VERSION = 1;

/** Why a file cannot be used. */
export class SchemaMismatch extends Error {
  /**
   * Creates the error.
   *
   * @param message Names the file and versions.
   */
  constructor(message: string) {
    super(message);
    this.name = "SchemaMismatch";
  }
}

/**
 * Writes the schema version on a new file and checks it on an existing one.
 *
 * @param kv The KV handle.
 * @param where Name of the file, for the error.
 * @throws {SchemaMismatch} When the file has a newer (or unknown) version.
 */
export async function ensureSchema(kv: Deno.Kv, where: string): Promise<void> {
  const entry = await kv.get<unknown>(keys.schemaVersion());
  if (entry.value === null) {
    const res = await kv.atomic().check(entry).set(keys.schemaVersion(), SCHEMA_VERSION).commit();
    if (!res.ok) return ensureSchema(kv, where);
    return;
  }
  if (typeof entry.value !== "number") {
    throw new SchemaMismatch(
      `KV file ${where} has an unreadable schema version (${JSON.stringify(entry.value)})`,
    );
  }
  if (entry.value > SCHEMA_VERSION) {
    throw new SchemaMismatch(
      `KV file ${where} has schema version ${entry.value}, newer than this Loom's ${SCHEMA_VERSION}: upgrade Loom to open it`,
    );
  }
}
