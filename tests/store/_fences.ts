import { acquireLease, type KvStore } from "../../store/mod.ts";

/**
 * Makes a store hold every partition's lease and check every epoch, as a process that runs a
 * file alone does.
 */
export async function fenceAll(
  store: KvStore,
  where: string,
  opts: { ownerId?: string; ttlMs?: number } = {},
): Promise<void> {
  const count = await store.ensurePartitions(16);
  const ownerId = opts.ownerId ?? crypto.randomUUID();
  for (let partition = 0; partition < count; partition++) {
    const lease = await acquireLease(store.kv, {
      ownerId,
      partition,
      ttlMs: opts.ttlMs ?? 1000,
      renewMs: 1,
    }, where);
    store.setFence(partition, lease.epochVersionstamp, lease.record.epoch);
  }
}
