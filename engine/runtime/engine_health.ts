/**
 * An engine's readiness: whether it can do its job now (it did not lose a lease or close, its
 * leases surely hold, its store takes writes), why not, and what it holds. Pure: built from
 * what the engine's parts tell.
 *
 * @module
 */

/** Whether an engine can do its job now, and what it holds. */
export interface EngineHealth {
  /** It owns its partitions, its leases surely hold, and the store takes writes. */
  ready: boolean;
  /** Why it is not ready. */
  reason?: string;
  /** This process's owner id (in the lease records). */
  ownerId: string;
  /** The partitions whose lease this process holds. */
  partitions: number[];
  /** The file's partition count. */
  partitionCount: number;
  /** Live processes sharing the file, this one included (as of the last renewal). */
  members: number;
  /** Since when the store refuses writes (ms), while it does. */
  storageFailingSince?: number;
}

/** What the engine's parts tell about its state. */
export interface HealthFacts {
  /** Name of the store. */
  where: string;
  /** This process's owner id. */
  ownerId: string;
  /** The file's partition count. */
  partitionCount: number;
  /** The lease that was lost, if one was. */
  lost: Error | undefined;
  /** Whether `close()` was called. */
  closed: boolean;
  /** Why the store refuses writes, while it does. */
  degraded: Error | undefined;
  /** Since when it does (ms). */
  storageFailingSince: number | undefined;
  /** The leases, once joined. */
  lease: {
    partitions: number[];
    members: number;
    allValid(): boolean;
    renewalError: Error | undefined;
  } | undefined;
}

/**
 * An engine's health from what its parts tell.
 *
 * @param facts The engine's state.
 * @returns Ready, or the reason it is not, and what it holds.
 */
export function engineHealth(facts: HealthFacts): EngineHealth {
  const lease = facts.lease;
  const out: EngineHealth = {
    ready: false,
    ownerId: facts.ownerId,
    partitions: lease?.partitions ?? [],
    partitionCount: facts.partitionCount,
    members: lease?.members ?? 0,
  };
  if (facts.storageFailingSince !== undefined) out.storageFailingSince = facts.storageFailingSince;
  if (facts.lost !== undefined) {
    out.reason = `lost an owner lease of ${facts.where} to another process`;
  } else if (facts.closed) {
    out.reason = "the engine is closed";
  } else if (facts.degraded !== undefined) {
    out.reason = `the store does not take writes: ${facts.degraded.message}`;
  } else if (lease === undefined || !lease.allValid()) {
    out.reason = `an owner lease of ${facts.where} may have lapsed${
      lease?.renewalError === undefined ? "" : `: ${lease.renewalError.message}`
    }`;
  } else {
    out.ready = true;
  }
  return out;
}
