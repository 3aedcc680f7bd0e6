/**
 * Durable wake-ups: the `Wakeup` interface and its two implementations, KV queue messages with a
 * delay (local KV) and a polled timer index (KV without queues: KV Connect, Deno Deploy), and
 * the detection of which a database allows.
 *
 * @module
 */

export {
  detectQueues,
  onDenoDeploy,
  PROBE_KEY,
  type QueueDetection,
  type QueueProbeTarget,
} from "./detect_queues.ts";
export { KvQueueWakeup, MAX_QUEUE_DELAY_MS } from "./kv_queue_wakeup.ts";
export { PollingWakeup } from "./polling_wakeup.ts";
export type { OnDue, Wakeup } from "./wakeup.ts";
