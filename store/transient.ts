/**
 * Which storage errors pass: SQLite's lock held by another process, a full disk, an I/O error.
 * A write that fails with one of them may succeed later, unchanged; any other failure will not.
 *
 * @module
 */

const TRANSIENT = [
  /database is locked/i,
  /database or disk is full/i,
  /disk I\/O error/i,
  /no space left on device/i,
  /\bSQLITE_(BUSY|LOCKED|FULL|IOERR)\b/,
  /attempt to write a readonly database/i,
];

/**
 * Whether a storage error may pass (retry later), rather than refuse the write for good.
 *
 * @param error What a KV operation threw.
 * @returns `true` for a lock held elsewhere, a full disk, or an I/O error.
 * @example
 * ```ts
 * import { isTransientStorageError } from "./transient.ts";
 * console.assert(isTransientStorageError(new TypeError("database or disk is full")));
 * console.assert(!isTransientStorageError(new TypeError("Value too large (max 65536 bytes)")));
 * ```
 */
export function isTransientStorageError(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return TRANSIENT.some((re) => re.test(text));
}
