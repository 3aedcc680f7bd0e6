import assert from "node:assert/strict";
import { ResultWaiters } from "../../../engine/runtime/result_waiters.ts";

Deno.test("ResultWaiters settles a run's waiters once, and rejects all when told", async () => {
  const waiters = new ResultWaiters();
  const a = waiters.wait("r1", undefined, () => {});
  const b = waiters.wait("r1", undefined, () => {});
  const c = waiters.wait("r2", undefined, () => {});
  waiters.settle("r1", { ok: true, value: { n: 1 } });
  assert.deepEqual(await Promise.all([a, b]), [{ n: 1 }, { n: 1 }]);
  waiters.rejectAll(new Error("closed"));
  await assert.rejects(c, /closed/);
});

Deno.test("ResultWaiters stops waiting on abort, and lets the check settle a waiter", async () => {
  const waiters = new ResultWaiters();
  const controller = new AbortController();
  const aborted = waiters.wait("r1", controller.signal, () => {});
  controller.abort(new Error("gave up"));
  await assert.rejects(aborted, /gave up/);
  const checked = waiters.wait("r2", undefined, (w) => w.resolve("ended meanwhile"));
  assert.equal(await checked, "ended meanwhile");
});
