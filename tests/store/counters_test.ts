import assert from "node:assert/strict";
import { connectKv, createEngine, type Engine } from "../../engine/mod.ts";
import {
  ATOMIC_BUDGET,
  countByStatus,
  counterSums,
  createRun,
  ensureCounters,
  keys,
  KvStore,
  minuteCounts,
  minuteOf,
  pack,
  plan,
  queryEvents,
  scanByStatus,
  type Transition,
  type WorkflowRecord,
} from "../../store/mod.ts";
import {
  type CountersReady,
  countOf,
  mergeSums,
  MINUS_ONE,
  pruneRollups,
} from "../../store/counters.ts";
import { SeqFlow, SignalFlow, ThrowFlow } from "../fixtures/flows.ts";
import { tempDir } from "../_helpers.ts";

const STATUSES = ["RUNNING", "COMPLETED", "FAILED", "CANCELLED"];

/** Runs in every status: 3 completed, 2 failed, 2 cancelled, 3 running. */
async function runsInEveryStatus(engine: Engine): Promise<void> {
  for (let i = 0; i < 3; i++) await (await engine.start(SeqFlow, { n: 2 })).result();
  for (let i = 0; i < 2; i++) {
    await (await engine.start(ThrowFlow, null)).result().catch(() => {});
  }
  for (let i = 0; i < 5; i++) await engine.start(SignalFlow, {}, { workflowId: `wait-${i}` });
  for (let i = 0; i < 2; i++) {
    await engine.getHandle(`wait-${i}`).cancel("test");
    await engine.getHandle(`wait-${i}`).result().catch(() => {});
  }
}

/** Runs started and ended per minute, counted from the events (what the rollups must equal). */
async function minutesFromEvents(kv: Deno.Kv, since: number) {
  const kinds: Record<string, string> = {
    WORKFLOW_STARTED: "started",
    WORKFLOW_COMPLETED: "completed",
    WORKFLOW_FAILED: "failed",
    WORKFLOW_CANCELLED: "cancelled",
  };
  const out = new Map<number, Record<string, number>>();
  const page = await queryEvents(kv, { since, types: Object.keys(kinds) }, { limit: 100_000 });
  for (const e of page.items) {
    const m = minuteOf(e.createdAt);
    const c = out.get(m) ?? { started: 0, completed: 0, failed: 0, cancelled: 0 };
    c[kinds[e.type] as string]!++;
    out.set(m, c);
  }
  return out;
}

/** Every counter, as a plain object (the minute rollups from `since` on). */
async function allCounters(kv: Deno.Kv, since: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for await (const e of kv.list({ prefix: ["count"] })) {
    if (e.key[1] === "minute" && (e.key[2] as number) < since) continue;
    const n = countOf(e.value);
    if (n !== 0) out[JSON.stringify(e.key)] = n;
  }
  return out;
}

/**
 * The counters kept at commit time equal the ones built from scratch by scanning the indexes,
 * records, task log, events and logs (`ensureCounters` on the same data, counters removed).
 */
async function assertCountersMatchScan(kv: Deno.Kv, since: number): Promise<void> {
  const kept = await allCounters(kv, since);
  for await (const e of kv.list({ prefix: ["count"] })) await kv.delete(e.key);
  await kv.delete(keys.countersReady());
  assert.equal((await ensureCounters(kv)).built, true);
  assert.deepEqual(kept, await allCounters(kv, since));
}

async function assertCountersMatch(kv: Deno.Kv, since: number): Promise<void> {
  assert.deepEqual(await countByStatus(kv, STATUSES), await scanByStatus(kv, STATUSES));
  const now = minuteOf(Date.now());
  const rollups = await minuteCounts(kv, since, now);
  assert.ok(rollups !== undefined, "the rollups cover the window");
  const ends = new Map([...rollups].map(([m, { errors: _, ...rest }]) => [m, rest]));
  assert.deepEqual(
    Object.fromEntries(ends),
    Object.fromEntries(await minutesFromEvents(kv, since)),
  );
  await assertCountersMatchScan(kv, since);
}

Deno.test("the counters of a new file follow every start and status change, in the commits that make them", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const since = minuteOf(Date.now()) - 60_000;
  await using engine = await createEngine({ kvPath, pollIntervalMs: 20 });
  const handle = await Deno.openKv(kvPath);
  try {
    assert.notEqual((await handle.get(keys.countersReady())).value, null, "a new file is ready");
    await runsInEveryStatus(engine);
    assert.deepEqual(await countByStatus(handle, STATUSES), {
      RUNNING: 3,
      COMPLETED: 3,
      FAILED: 2,
      CANCELLED: 2,
    });
    // The counters themselves, not a scan: the status index is not read.
    assert.equal(countOf((await handle.get(keys.statusCount("RUNNING"))).value), 3);
    await assertCountersMatch(handle, since);
  } finally {
    handle.close();
  }
});

Deno.test("starts written outside the owner are counted with their record, and once", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const since = minuteOf(Date.now()) - 60_000;
  await using engine = await createEngine({ kvPath, pollIntervalMs: 20 });
  const clients = await Promise.all([1, 2, 3].map(() => connectKv({ kvPath, pollIntervalMs: 20 })));
  const handle = await Deno.openKv(kvPath);
  try {
    // Three processes' worth of handles start runs at once, while the owner commits its own.
    await Promise.all([
      ...clients.flatMap((c, k) =>
        Array.from(
          { length: 10 },
          (_, i) => c.start(SeqFlow.name, { n: 1 }, { workflowId: `c${k}-${i}` }),
        )
      ),
      ...Array.from({ length: 10 }, () => engine.start(SeqFlow, { n: 1 })),
      // The same id twice: one run, counted once.
      clients[0]!.start(SeqFlow.name, { n: 1 }, { workflowId: "c0-0" }),
    ]);
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < 10; i++) await engine.getHandle(`c${k}-${i}`).result();
    }
    const counts = await countByStatus(handle, STATUSES);
    assert.equal(counts.COMPLETED, 40);
    assert.equal(counts.RUNNING, 0);
    await assertCountersMatch(handle, since);
  } finally {
    handle.close();
    for (const c of clients) await c.close();
  }
});

Deno.test("a file without counters gets them built once on open, equal to what the indexes and events say", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  let since = minuteOf(Date.now()) - 60 * 60_000;
  {
    await using engine = await createEngine({ kvPath, pollIntervalMs: 20 });
    await runsInEveryStatus(engine);
  }
  const kv = await Deno.openKv(kvPath);
  try {
    // As a file from before the counters: no marker, no counters, no rollups.
    for await (const e of kv.list({ prefix: ["count"] })) await kv.delete(e.key);
    await kv.delete(keys.countersReady());
    assert.equal(await minuteCounts(kv, since, minuteOf(Date.now())), undefined);
    assert.deepEqual(
      await countByStatus(kv, STATUSES),
      { RUNNING: 3, COMPLETED: 3, FAILED: 2, CANCELLED: 2 },
      "without counters the index is counted",
    );
    assert.deepEqual(await ensureCounters(kv), { built: true, ready: true });
    assert.equal(countOf((await kv.get(keys.statusCount("COMPLETED"))).value), 3);
    // The build covers the hour before the minute it ran in, which may be a minute after the
    // one this test began in.
    const built = (await kv.get<CountersReady>(keys.countersReady())).value;
    assert.ok(built !== null && built.since >= since && built.since <= since + 2 * 60_000);
    since = built.since;
    await assertCountersMatch(kv, since);
    assert.deepEqual(await ensureCounters(kv), { built: false, ready: true }, "only once");
  } finally {
    kv.close();
  }
  // The next engine on the file goes on from the built counters.
  await using engine = await createEngine({ kvPath, pollIntervalMs: 20 });
  await engine.getHandle("wait-3").signal("go", 1);
  await engine.getHandle("wait-3").result();
  const handle = await Deno.openKv(kvPath);
  try {
    assert.deepEqual(await countByStatus(handle, STATUSES), {
      RUNNING: 2,
      COMPLETED: 4,
      FAILED: 2,
      CANCELLED: 2,
    });
    await assertCountersMatch(handle, since);
  } finally {
    handle.close();
  }
});

Deno.test("a start that lands while the counters are built makes the build start again, so none is lost", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const record = (id: string, createdAt: number): WorkflowRecord => ({
      id,
      name: "n",
      version: "1",
      description: "",
      module: "",
      status: "RUNNING",
      createdAt,
      updatedAt: createdAt,
      entries: 0,
      events: 0,
      input: { v: null },
      partition: 0,
      tasks: [],
    });
    // Two runs of a file from before the counters (indexes only).
    for (const id of ["old-1", "old-2"]) {
      await kv.atomic().set(keys.workflow(id), record(id, 1000))
        .set(keys.byStatus("RUNNING", 1000, id), null).set(keys.byTime(1000, id), null).commit();
    }
    // A start by another process lands in the middle of the first scan of the status index.
    let landed = 0;
    const busy = new Proxy(kv, {
      get(target, prop) {
        if (prop === "list") {
          return (selector: Deno.KvListSelector, options?: Deno.KvListOptions) => {
            const prefix = "prefix" in selector ? selector.prefix : [];
            if (prefix[0] === "i" && prefix[1] === "status" && landed === 0) {
              landed++;
              return (async function* () {
                yield* target.list(selector, options);
                await createRun(target, record("new-1", Date.now()), null);
              })();
            }
            return target.list(selector, options);
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    assert.deepEqual(await ensureCounters(busy), { built: true, ready: true });
    assert.equal(landed, 1);
    assert.equal(countOf((await kv.get(keys.statusCount("RUNNING"))).value), 3);
    assert.deepEqual(await countByStatus(kv, ["RUNNING"]), { RUNNING: 3 });
  } finally {
    kv.close();
  }
});

function transition(
  id: string,
  created: boolean,
  previous?: string,
  status = "RUNNING",
): Transition {
  const t: Transition = {
    workflowId: id,
    record: {
      id,
      name: "n",
      version: "1",
      description: "",
      module: "",
      status,
      createdAt: 120_000,
      updatedAt: 180_000,
      entries: 1,
      events: 1,
      input: { v: null },
      partition: 0,
      tasks: [],
    },
    history: [{ r: 0, kind: "info", time: 180_000, firstEventId: 1, events: [] }],
    finishedTasks: [],
    logs: [],
    timersSet: [],
    timersDelete: [],
    enqueue: [],
  };
  if (created) t.created = true;
  if (previous !== undefined) t.previousStatus = previous;
  return t;
}

Deno.test("counterSums: a start adds to its status and its minute, a change moves one run between statuses, an end counts in its minute", () => {
  assert.deepEqual(
    counterSums({ created: false, status: "RUNNING", name: "n", createdAt: 0, at: 1 }),
    [],
  );
  assert.deepEqual(
    counterSums({ created: true, status: "RUNNING", name: "n", createdAt: 125_000, at: 125_000 }),
    [
      { key: keys.statusCount("RUNNING"), n: 1n },
      { key: keys.nameCount("n", "RUNNING"), n: 1n },
      { key: keys.minuteCount(120_000, "started"), n: 1n },
    ],
  );
  assert.deepEqual(
    counterSums({
      created: false,
      previousStatus: "RUNNING",
      status: "CANCELLED",
      name: "n",
      createdAt: 0,
      at: 61_000,
      openBefore: { RUNNING: 1, PENDING: 2 },
      openAfter: {},
      finished: [{ status: "FAILED" }],
      events: 3,
      logs: [{ level: "ERROR", createdAt: 61_000 }, { level: "INFO", createdAt: 61_000 }],
    }),
    [
      { key: keys.statusCount("CANCELLED"), n: 1n },
      { key: keys.nameCount("n", "CANCELLED"), n: 1n },
      { key: keys.statusCount("RUNNING"), n: MINUS_ONE },
      { key: keys.nameCount("n", "RUNNING"), n: MINUS_ONE },
      { key: keys.minuteCount(60_000, "cancelled"), n: 1n },
      { key: keys.taskCount("PENDING"), n: MINUS_ONE - 1n },
      { key: keys.taskCount("RUNNING"), n: MINUS_ONE },
      { key: keys.taskCount("FAILED"), n: 1n },
      { key: keys.eventCount(), n: 3n },
      { key: keys.minuteCount(60_000, "errors"), n: 1n },
      { key: keys.logCount("ERROR"), n: 1n },
      { key: keys.logCount("INFO"), n: 1n },
    ],
  );
  assert.deepEqual(mergeSums([{ key: ["a"], n: 2n }, { key: ["a"], n: MINUS_ONE }]), [
    { key: ["a"], n: 1n },
  ]);
  assert.deepEqual(mergeSums([{ key: ["a"], n: 1n }, { key: ["a"], n: MINUS_ONE }]), [
    { key: ["a"], n: 0n },
  ], "a total of 0 is still written, so the counter's versionstamp moves");
  assert.equal(countOf(new Deno.KvU64(MINUS_ONE)), 0, "below zero reads as 0");
  assert.equal(countOf(null), 0);
});

Deno.test("plan() adds each counter once per atomic operation, however many transitions share it", () => {
  const packed = Array.from({ length: 150 }, (_, i) =>
    pack(
      i % 2 === 0 ? transition(`r${i}`, true) : transition(`r${i}`, false, "RUNNING", "COMPLETED"),
      () => `w${i}`,
    ));
  const p = plan(packed);
  assert.equal(p.ops.length, 1);
  const sums = (p.ops[0] ?? []).filter((m) => m.kind === "sum");
  assert.deepEqual(
    sums.map((m) => m.kind === "sum" ? [m.key, m.n] : []),
    [
      [keys.statusCount("RUNNING"), 0n],
      [keys.nameCount("n", "RUNNING"), 0n],
      [keys.minuteCount(120_000, "started"), 75n],
      [keys.statusCount("COMPLETED"), 75n],
      [keys.nameCount("n", "COMPLETED"), 75n],
      [keys.minuteCount(180_000, "completed"), 75n],
    ],
    "75 starts and 75 ends: RUNNING nets to 0",
  );
  assert.ok((p.ops[0] ?? []).length <= ATOMIC_BUDGET.mutations);
});

Deno.test("pruneRollups() deletes the minute rollups older than a day, and only those", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const now = Date.UTC(2026, 0, 2, 12);
    await kv.atomic()
      .sum(keys.minuteCount(minuteOf(now - 25 * 3_600_000), "started"), 1n)
      .sum(keys.minuteCount(minuteOf(now - 3_600_000), "started"), 1n)
      .commit();
    assert.equal(await pruneRollups(kv, now), 1);
    const left = await Array.fromAsync(kv.list({ prefix: keys.minuteCountPrefix() }));
    assert.deepEqual(left.map((e) => e.key[2]), [minuteOf(now - 3_600_000)]);
  } finally {
    kv.close();
  }
});

Deno.test("pruning the task log takes its tasks off the task counters in the same operations", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const since = minuteOf(Date.now()) - 60_000;
  {
    await using engine = await createEngine({ kvPath, pollIntervalMs: 20 });
    for (let i = 0; i < 12; i++) await (await engine.start(SeqFlow, { n: 3 })).result();
  }
  const store = new KvStore(await Deno.openKv(kvPath), kvPath);
  try {
    const before = countOf((await store.kv.get(keys.taskCount("COMPLETED"))).value);
    const pruned = await store.pruneTasks(5);
    assert.ok(pruned > 0);
    const after = countOf((await store.kv.get(keys.taskCount("COMPLETED"))).value);
    assert.equal(after, before - pruned);
    await assertCountersMatchScan(store.kv, since);
  } finally {
    store.close();
  }
});
