import assert from "node:assert/strict";
import { keys, minuteOf } from "../../../store/mod.ts";
import { ClassFlow, SignalFlow } from "../../fixtures/flows.ts";
import { apiFixture } from "../_helpers.ts";

type Page = { data: Record<string, unknown>[]; meta: Record<string, unknown> };

Deno.test("counts, totals and throughput of the API are read from the counters kept at commit time, not from the indexes", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await using api = await apiFixture({}, { kv });
    await (await api.engine.start(ClassFlow, { x: 1 }, { workflowId: "done" })).result();
    await api.engine.start(SignalFlow, {}, { workflowId: "waiting" });
    const stats = async () =>
      (await api.json<{ workflows: Record<string, number>; tasks: Record<string, number> }>(
        "/api/stats",
      )).body;
    const before = await stats();
    assert.equal(before.workflows.total, 2);
    // A status-index key of no run, and a run's time-index key gone: a scan would see them.
    await kv.set(keys.byStatus("RUNNING", 1, "ghost"), null);
    await kv.set(keys.byName("t_signal", 1, "ghost"), null);
    await kv.set(keys.byTime(1, "ghost"), null);
    assert.deepEqual((await stats()).workflows, before.workflows);
    const total = async (q: string) => (await api.json<Page>(`/api/workflows${q}`)).body.meta.total;
    assert.equal(await total(""), 2);
    assert.equal(await total("?status=RUNNING"), 1);
    assert.equal(await total("?workflow=t_signal"), 1);
    assert.equal(await total("?name=T_"), 2);
    // And the counters are what is read.
    await kv.set(keys.statusCount("FAILED"), new Deno.KvU64(40n));
    await kv.set(keys.nameCount("t_signal", "FAILED"), new Deno.KvU64(7n));
    await kv.set(keys.taskCount("COMPLETED"), new Deno.KvU64(1000n));
    await kv.set(keys.eventCount(), new Deno.KvU64(12345n));
    await kv.set(keys.logCount("INFO"), new Deno.KvU64(50n));
    const minute = minuteOf(Date.now());
    await kv.set(keys.minuteCount(minute, "failed"), new Deno.KvU64(9n));
    await kv.set(keys.minuteCount(minute, "errors"), new Deno.KvU64(4n));
    const after = await stats();
    assert.equal(after.workflows.failed, 40);
    assert.equal(after.tasks.completed, 1000);
    assert.equal(await total("?workflow=t_signal"), 8);
    assert.equal((await api.json<Page>("/api/events?per_page=1")).body.meta.total, 12345);
    assert.equal((await api.json<Page>("/api/logs?per_page=1&level=INFO")).body.meta.total, 50);
    const tp = await api.json<{ minutes: { failed: number }[] }>(
      "/api/stats/throughput?minutes=1",
    );
    assert.equal(tp.body.minutes.at(-1)?.failed, 9);
    const health = await api.json<{ recent_errors: number }>("/api/stats/health");
    assert.equal(health.body.recent_errors, 4);
  } finally {
    kv.close();
  }
});

Deno.test("a file without counters is counted from its indexes", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await using api = await apiFixture({}, { kv });
    await (await api.engine.start(ClassFlow, { x: 1 })).result();
    await api.engine.start(SignalFlow, {});
    await kv.delete(keys.countersReady());
    await kv.set(keys.statusCount("FAILED"), new Deno.KvU64(40n));
    const { body } = await api.json<{ workflows: Record<string, number> }>("/api/stats");
    assert.deepEqual(body.workflows, {
      total: 2,
      running: 1,
      completed: 1,
      failed: 0,
      canceled: 0,
      cancelled: 0,
    });
    assert.equal((await api.json<Page>("/api/workflows")).body.meta.total, 2);
  } finally {
    kv.close();
  }
});
