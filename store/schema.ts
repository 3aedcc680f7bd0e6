/**
 * The schema version key: written when a file is first used, checked at every open, and a file
 * of an older version is migrated then.
 *
 * Versions: 1, chunks of large values keyed by the value's name (`["blob", id, "h4", i]`); 2,
 * keyed by a write id that the reference names, with pending-blob keys (`migrate.ts`); 3,
 * partitions, each with its own lease, inbox and pending starts (`migrate_v2.ts`).
 *
 * @module
 */

import { keys } from "./keys.ts";
import { commitPatiently } from "./patient_commit.ts";
import { LeaseHeld } from "./lease.ts";
import { migrateV1, type MigrationReport } from "./migrate.ts";
import { migrateV2 } from "./migrate_v2.ts";

/** The layout version this code reads and writes. */
export const SCHEMA_VERSION = 3;

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
 * Writes the schema version on a new file, checks it on an existing one, and migrates a file of
 * an older version (taking the owner lease while it does).
 *
 * @param kv The KV handle.
 * @param where Name of the file, for the error.
 * @returns What a migration did, when one ran.
 * @throws {SchemaMismatch} When the file has a newer (or unknown) version, or needs a migration
 * while another live process owns it.
 */
export async function ensureSchema(
  kv: Deno.Kv,
  where: string,
): Promise<MigrationReport | undefined> {
  const entry = await kv.get<unknown>(keys.schemaVersion());
  if (entry.value === null) {
    const res = await commitPatiently(
      kv.atomic().check(entry).set(keys.schemaVersion(), SCHEMA_VERSION),
    );
    if (!res.ok) return ensureSchema(kv, where);
    return undefined;
  }
  if (typeof entry.value !== "number" || !Number.isSafeInteger(entry.value) || entry.value < 1) {
    throw new SchemaMismatch(
      `KV file ${where} has an unreadable schema version (${JSON.stringify(entry.value)})`,
    );
  }
  if (entry.value > SCHEMA_VERSION) {
    throw new SchemaMismatch(
      `KV file ${where} has schema version ${entry.value}, newer than this Loom's ${SCHEMA_VERSION}: upgrade Loom to open it`,
    );
  }
  if (entry.value === SCHEMA_VERSION) return undefined;
  try {
    const report = entry.value === 1 ? await migrateV1(kv, where, 2) : undefined;
    await migrateV2(kv, where, 3);
    return report;
  } catch (e) {
    if (!(e instanceof LeaseHeld)) throw e;
    throw new SchemaMismatch(
      `KV file ${where} has schema version ${entry.value} and needs a migration to ${SCHEMA_VERSION}, which takes the owner lease, but ${e.message}`,
    );
  }
}
