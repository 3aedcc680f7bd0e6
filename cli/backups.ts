/**
 * Backups of a KV file, next to it: `<file>.backup_YYYYmmdd_HHMMSS` (made by `loom clean`) and
 * `<file>.pre_restore_YYYYmmdd_HHMMSS` (made by `loom clean --restore` before it overwrites the
 * file). A backup is a consistent single-file copy made with SQLite's `VACUUM INTO`, so it
 * holds what the write-ahead log held too.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { keys, SCHEMA_VERSION } from "../store/mod.ts";
import { CliError } from "./errors.ts";
import { fileStamp } from "./format.ts";
import { exists } from "./target.ts";

/** A backup file. */
export interface BackupFile {
  /** Its path. */
  path: string;
  /** `backup` or `pre_restore`. */
  kind: "backup" | "pre_restore";
  /** Size in bytes. */
  bytes: number;
  /** Last modification (ms), when known. */
  modifiedAt: number | null;
}

const KINDS = ["backup", "pre_restore"] as const;

/**
 * Lists the backups of a KV file, newest first.
 *
 * @param kvPath The KV file.
 * @returns The backups found next to it.
 */
export async function listBackups(kvPath: string): Promise<BackupFile[]> {
  const dir = dirname(kvPath);
  const base = basename(kvPath);
  const out: BackupFile[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  for (const entry of entries) {
    if (!entry.isFile || /-(wal|shm|journal)$/.test(entry.name)) continue;
    const kind = KINDS.find((k) => entry.name.startsWith(`${base}.${k}_`));
    if (kind === undefined) continue;
    const path = join(dir, entry.name);
    const info = await Deno.stat(path);
    out.push({ path, kind, bytes: info.size, modifiedAt: info.mtime?.getTime() ?? null });
  }
  return out.sort((a, b) =>
    (b.modifiedAt ?? 0) - (a.modifiedAt ?? 0) || b.path.localeCompare(a.path)
  );
}

/**
 * A free path for a new backup of a KV file.
 *
 * @param kvPath The KV file.
 * @param kind `backup` or `pre_restore`.
 * @param now The time to put in the name (ms).
 * @returns `<file>.<kind>_YYYYmmdd_HHMMSS`, with `-2`, `-3`... when that is taken.
 */
export async function newBackupPath(
  kvPath: string,
  kind: BackupFile["kind"],
  now = Date.now(),
): Promise<string> {
  const path = `${kvPath}.${kind}_${fileStamp(now)}`;
  if (!(await exists(path))) return path;
  for (let i = 2;; i++) {
    if (!(await exists(`${path}-${i}`))) return `${path}-${i}`;
  }
}

async function sqlite() {
  return (await import("node:sqlite")).DatabaseSync;
}

/**
 * Copies a KV file to a new file, consistently (SQLite `VACUUM INTO`).
 *
 * @param kvPath The KV file.
 * @param dest The copy; must not exist.
 */
export async function snapshot(kvPath: string, dest: string): Promise<void> {
  const DatabaseSync = await sqlite();
  const db = new DatabaseSync(kvPath, { readOnly: true });
  try {
    db.prepare("VACUUM INTO ?").run(dest);
  } finally {
    db.close();
  }
}

/**
 * Rewrites a KV file without its free pages (SQLite `VACUUM`).
 *
 * @param kvPath The KV file (no process may be writing it).
 */
export async function compact(kvPath: string): Promise<void> {
  const DatabaseSync = await sqlite();
  const db = new DatabaseSync(kvPath, { timeout: 5000 } as Record<string, unknown>);
  try {
    db.exec("VACUUM");
  } finally {
    db.close();
  }
}

async function removeIfThere(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/** A validated copy of a backup, ready to replace the KV file. */
export interface StagedRestore {
  /** Puts the copy in place of the KV file (dropping the KV file's write-ahead log). */
  commit(): Promise<void>;
  /** Removes the copy. */
  discard(): Promise<void>;
}

/**
 * Copies a backup next to the KV file and checks, on the copy, that it is a Loom KV file this
 * Loom can read. Nothing is replaced until `commit()`.
 *
 * @param backup The backup file.
 * @param kvPath The KV file it will replace.
 * @returns The staged copy.
 * @throws {CliError} When the backup is not a Loom KV file or is newer than this Loom.
 */
export async function stageRestore(backup: string, kvPath: string): Promise<StagedRestore> {
  const staging = `${kvPath}.restoring_${crypto.randomUUID().slice(0, 8)}`;
  const discard = async () => {
    await Promise.all(["", "-wal", "-shm"].map((suffix) => removeIfThere(`${staging}${suffix}`)));
  };
  try {
    await Deno.copyFile(backup, staging);
    if (await exists(`${backup}-wal`)) await Deno.copyFile(`${backup}-wal`, `${staging}-wal`);
    let version: unknown;
    try {
      const kv = await Deno.openKv(staging);
      try {
        version = (await kv.get(keys.schemaVersion())).value;
      } finally {
        kv.close();
      }
    } catch (e) {
      throw new CliError(`File "${backup}" is not a Loom KV file: ${(e as Error).message}`);
    }
    if (typeof version !== "number") {
      throw new CliError(`File "${backup}" is not a Loom KV file: it has no schema version`);
    }
    if (version > SCHEMA_VERSION) {
      throw new CliError(
        `File "${backup}" has schema version ${version}, newer than this Loom's ${SCHEMA_VERSION}: upgrade Loom to restore it`,
      );
    }
  } catch (e) {
    await discard();
    throw e;
  }
  return {
    async commit() {
      try {
        await removeIfThere(`${kvPath}-wal`);
        await removeIfThere(`${kvPath}-shm`);
        await Deno.rename(staging, kvPath);
      } finally {
        await discard();
      }
    },
    discard,
  };
}
