/**
 * Size of a KV file on disk, with its SQLite write-ahead log.
 *
 * @module
 */

/**
 * Adds up the sizes of a KV file and its `-wal` file.
 *
 * @param path The KV file.
 * @returns Bytes, or `null` when the file does not exist.
 */
export async function kvFileSize(path: string): Promise<number | null> {
  let total: number | null = null;
  for (const p of [path, `${path}-wal`]) {
    try {
      total = (total ?? 0) + (await Deno.stat(p)).size;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return total;
}
