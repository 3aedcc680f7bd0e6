import assert from "node:assert/strict";
import { Registry } from "../../../engine/definition/mod.ts";
import { activity } from "../../../engine/definition/mod.ts";
import { Effects } from "../../../engine/runtime/effects.ts";
import type { ActivityRequest, ActivityResult, Executor } from "../../../engine/runtime/mod.ts";
import type { Item } from "../../../engine/runtime/owner/mod.ts";
import { Listeners } from "../../../engine/runtime/listeners.ts";
import { Run } from "../../../engine/runtime/run.ts";
import type { LeaseGate } from "../../../engine/runtime/owner/mod.ts";

const registry = new Registry();
activity({ name: "fx_add", registry }, (n: number) => n + 1);

/** A lease gate the test opens and closes (the real one is tested in tests/e2e/pause_test.ts). */
class Gate implements LeaseGate {
  open = true;
  #waiting: ((held: boolean) => void)[] = [];
  valid(): boolean {
    return this.open;
  }
  whenHeld(): Promise<boolean> {
    if (this.open) return Promise.resolve(true);
    return new Promise((r) => this.#waiting.push(r));
  }
  settle(held: boolean): void {
    this.open = held;
    for (const r of this.#waiting.splice(0)) r(held);
  }
}

function setup() {
  const started: ActivityRequest[] = [];
  const executor: Executor = {
    activate: () => Promise.resolve([]),
    runActivity: (req: ActivityRequest): Promise<ActivityResult> => {
      started.push(req);
      return Promise.resolve({ ok: true, result: 1 });
    },
    evict: () => {},
    close: () => Promise.resolve(),
  };
  const gate = new Gate();
  const delivered: Item[] = [];
  const runs = new Map<string, Run>();
  const work: Promise<void>[] = [];
  const effects = new Effects({
    registry,
    executor,
    concurrency: 1,
    listeners: new Listeners(() => {}),
    runs,
    deliver: (_run, item) => delivered.push(item),
    schedule: () => {},
    track: (p) => work.push(p),
    stopped: () => false,
    lease: gate,
  });
  const run = new Run({
    id: "r",
    name: "f",
    version: "1",
    description: "",
    module: "",
    status: "RUNNING",
    createdAt: 0,
    updatedAt: 0,
    entries: 1,
    events: 1,
    input: { v: null },
    partition: 0,
    tasks: [],
  }, null);
  runs.set("r", run);
  return { started, gate, delivered, effects, run, work };
}

Deno.test("Effects starts no attempt while the lease may have lapsed, and drops it once lost", async () => {
  const { started, gate, effects, run, work } = setup();
  gate.open = false;
  effects.apply(run, { kind: "dispatch", seq: 1, name: "fx_add", args: [1] });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(started.length, 0, "waits while the lease is uncertain");
  gate.settle(false);
  await Promise.all(work);
  assert.equal(started.length, 0, "dropped, not started, once the lease is lost");
});

Deno.test("Effects starts a waiting attempt once the lease is renewed", async () => {
  const { started, gate, delivered, effects, run, work } = setup();
  gate.open = false;
  effects.apply(run, { kind: "dispatch", seq: 1, name: "fx_add", args: [1] });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(started.length, 0);
  gate.settle(true);
  await Promise.all(work);
  assert.equal(started.length, 1);
  assert.equal(delivered[0]?.event.type, "ACTIVITY_COMPLETED");
});

Deno.test("Effects fires no timer while the lease may have lapsed, and fires it once renewed", async () => {
  const { gate, delivered, effects, run } = setup();
  gate.open = false;
  effects.apply(run, { kind: "timer", seq: 2, at: Date.now() });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(delivered.length, 0, "not fired while the lease is uncertain");
  gate.settle(true);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(delivered.map((i) => i.event.type), ["TIMER_FIRED"]);
});
