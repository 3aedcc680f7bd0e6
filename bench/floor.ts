/**
 * The floor: what Deno KV itself does on the same file system, in the same run. K1 is
 * sequential `kv.atomic()` commits (one check + one small set each); K2 is `kv.enqueue` →
 * `listenQueue` deliveries with 1,000 messages enqueued at once.
 *
 * @module
 */

import { within } from "./env.ts";
import type { Workload } from "./workload.ts";

/** Commits per K1 round. */
export const K1_COMMITS = 2000;
/** Messages per K2 round. */
export const K2_MESSAGES = 1000;

/** K1: sequential atomic commits. */
export const k1: Workload = {
  id: "K1",
  title: `${
    K1_COMMITS.toLocaleString("en")
  } sequential kv.atomic() commits (1 check + 1 small set)`,
  metrics: [
    { key: "commitsPerSec", label: "sequential commits/s", unit: "commits/s", kind: "floor" },
    { key: "msPerCommit", label: "per commit", unit: "ms", kind: "floor" },
  ],
  async run(env) {
    const kv = await Deno.openKv(env.kvPath);
    try {
      const key = ["k1", "counter"];
      let versionstamp = (await kv.set(key, 0)).versionstamp;
      const t0 = performance.now();
      for (let i = 1; i <= K1_COMMITS; i++) {
        const res = await kv.atomic().check({ key, versionstamp }).set(key, i).commit();
        if (!res.ok) throw new Error(`K1 commit ${i} failed its check`);
        versionstamp = res.versionstamp;
      }
      const ms = performance.now() - t0;
      return { commitsPerSec: K1_COMMITS / (ms / 1000), msPerCommit: ms / K1_COMMITS };
    } finally {
      kv.close();
    }
  },
};

/** K1 again, after the workloads (the ratios use the rounds of both). */
export const k1End: Workload = {
  ...k1,
  id: "K1 end",
  title: `${k1.title}, again after the workloads`,
};

/** K2: queue deliveries. */
export const k2: Workload = {
  id: "K2",
  title: `${K2_MESSAGES.toLocaleString("en")} kv.enqueue() at once → listenQueue deliveries`,
  metrics: [
    { key: "deliveriesPerSec", label: "deliveries/s", unit: "msgs/s", kind: "floor" },
    { key: "msPerDelivery", label: "per delivery", unit: "ms", kind: "floor" },
    { key: "lastDeliveryMs", label: "first enqueue → last delivery", unit: "ms", kind: "floor" },
  ],
  async run(env) {
    const kv = await Deno.openKv(env.kvPath);
    let delivered = 0;
    let allDelivered!: () => void;
    const done = new Promise<void>((resolve) => allDelivered = resolve);
    const listening = kv.listenQueue(() => {
      if (++delivered === K2_MESSAGES) allDelivered();
    });
    try {
      const t0 = performance.now();
      await Promise.all(Array.from({ length: K2_MESSAGES }, (_, i) => kv.enqueue(i)));
      await within(done, 120_000, "K2's deliveries", () => `${delivered} delivered`);
      const ms = performance.now() - t0;
      return {
        deliveriesPerSec: K2_MESSAGES / (ms / 1000),
        msPerDelivery: ms / K2_MESSAGES,
        lastDeliveryMs: ms,
      };
    } finally {
      kv.close();
      await listening.catch(() => {});
    }
  },
};
