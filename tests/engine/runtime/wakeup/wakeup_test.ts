import assert from "node:assert/strict";
import { KvQueueWakeup } from "../../../../engine/runtime/wakeup/kv_queue_wakeup.ts";
import { PollingWakeup } from "../../../../engine/runtime/wakeup/polling_wakeup.ts";
import type { Wakeup } from "../../../../engine/runtime/wakeup/wakeup.ts";
import { KvStore, type Transition } from "../../../../store/mod.ts";
import { until } from "../../../_helpers.ts";

function transition(id: string): Transition {
  return {
    workflowId: id,
    record: {
      id,
      name: "flow",
      version: "1",
      description: "",
      module: "",
      status: "RUNNING",
      createdAt: 0,
      updatedAt: 0,
      entries: 0,
      events: 0,
      input: { v: null },
      partition: 0,
      tasks: [],
    },
    history: [],
    finishedTasks: [],
    logs: [],
    timersSet: [],
    timersDelete: [],
    enqueue: [],
  };
}

const IMPLEMENTATIONS: [string, (store: KvStore) => Wakeup][] = [
  ["KvQueueWakeup", (store) => new KvQueueWakeup(store.kv)],
  ["PollingWakeup", (store) => new PollingWakeup(store, 20)],
];

for (const [name, make] of IMPLEMENTATIONS) {
  Deno.test(`${name} wakes the owner for a due timer committed with a transition`, async () => {
    const kv = await Deno.openKv(":memory:");
    const store = new KvStore(kv, ":memory:");
    const wakeup = make(store);
    const due: [string, number][] = [];
    try {
      wakeup.start((id, seq) => due.push([id, seq]));
      const t = transition("w");
      wakeup.arm(t, "w", 3, Date.now() + 50);
      wakeup.arm(t, "w", 4, Date.now() + 60_000);
      await store.commit([t]);
      await until(() => due.length > 0, "the wake-up");
      assert.deepEqual(due[0], ["w", 3]);
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(!due.some(([, seq]) => seq === 4), "the far timer is not due yet");
    } finally {
      wakeup.stop();
      kv.close();
    }
  });
}

Deno.test("PollingWakeup removes a disarmed timer from the index", async () => {
  await using kv = await Deno.openKv(":memory:");
  const store = new KvStore(kv, ":memory:");
  const wakeup = new PollingWakeup(store, 20);
  const at = Date.now() - 1;
  const armed = transition("w");
  wakeup.arm(armed, "w", 1, at);
  await store.commit([armed]);
  assert.equal((await store.dueTimers(Date.now())).length, 1);
  const disarmed = transition("w");
  wakeup.disarm(disarmed, "w", 1, at);
  await store.commit([disarmed]);
  assert.equal((await store.dueTimers(Date.now())).length, 0);
});

Deno.test("KvQueueWakeup puts the delay in the message and re-arms timers past 30 days", async () => {
  const kv = await Deno.openKv(":memory:");
  const wakeup = new KvQueueWakeup(kv);
  try {
    const t = transition("w");
    wakeup.arm(t, "w", 1, Date.now() + 40 * 86_400_000);
    assert.equal(t.enqueue.length, 1);
    assert.equal(t.enqueue[0]?.delay, 2_592_000_000, "capped at 30 days");
    const due: number[] = [];
    wakeup.start((_, seq) => due.push(seq));
    // A message that arrives before its time is enqueued again, not delivered.
    await kv.enqueue({ loom: "wake", workflowId: "w", seq: 9, dueAt: Date.now() + 60_000 });
    await kv.enqueue({ loom: "wake", workflowId: "w", seq: 8, dueAt: Date.now() - 5 });
    await until(() => due.includes(8), "the due message");
    assert.ok(!due.includes(9));
  } finally {
    wakeup.stop();
    kv.close();
  }
});
