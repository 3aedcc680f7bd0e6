import assert from "node:assert/strict";
import { type Engine, EngineClosedError } from "../../engine/mod.ts";
import { parseBenchFlags } from "../../bench/flags.ts";
import { SeqBench } from "../../bench/flows.ts";
import { runWorkload } from "../../bench/runner.ts";
import type { RoundEnv, Workload } from "../../bench/workload.ts";

const metrics = [{ key: "x", label: "x", unit: "ms", kind: "time" as const }];

Deno.test("runWorkload() times the rounds after an untimed warm-up, each in a fresh folder", async () => {
  const seen: RoundEnv[] = [];
  const present: boolean[] = [];
  const workload: Workload = {
    id: "T1",
    title: "test",
    metrics,
    async run(env) {
      seen.push(env);
      present.push((await Deno.stat(env.dir)).isDirectory);
      return { x: [100, 3, 1, 2][env.round] as number };
    },
  };
  const result = await runWorkload(workload, parseBenchFlags([]), 3);
  assert.deepEqual(seen.map((e) => e.round), [0, 1, 2, 3]);
  assert.deepEqual(present, [true, true, true, true]);
  assert.equal(new Set(seen.map((e) => e.kvPath)).size, 4);
  for (const env of seen) {
    assert.equal(env.kvPath, `${env.dir}/loom.kv`);
    await assert.rejects(Deno.stat(env.dir), Deno.errors.NotFound);
  }
  assert.equal(result.rounds, 3);
  assert.equal(result.error, undefined);
  assert.deepEqual(result.metrics[0]?.values, [3, 1, 2]);
  assert.equal(result.metrics[0]?.median, 2);
});

Deno.test("runWorkload() stops a workload at a failing round and keeps the rounds before it", async () => {
  const workload: Workload = {
    id: "T2",
    title: "test",
    metrics,
    run(env) {
      if (env.round === 2) return Promise.reject(new TypeError("round two broke"));
      return Promise.resolve({ x: env.round });
    },
  };
  const result = await runWorkload(workload, parseBenchFlags([]), 5);
  assert.equal(result.rounds, 1);
  assert.equal(result.error, "TypeError: round two broke");
  assert.deepEqual(result.metrics[0]?.values, [1]);
});

Deno.test("runWorkload() fails a round that leaves out a figure, and skips what cannot run", async () => {
  const missing: Workload = { id: "T3", title: "test", metrics, run: () => Promise.resolve({}) };
  const result = await runWorkload(missing, parseBenchFlags([]), 2);
  assert.equal(result.error, 'Error: T3 returned no value for "x"');
  assert.deepEqual(result.metrics, []);

  let ran = false;
  const skipped: Workload = {
    id: "T4",
    title: "test",
    metrics,
    skip: (flags) => flags.memory ? "needs a file" : undefined,
    run: () => {
      ran = true;
      return Promise.resolve({ x: 1 });
    },
  };
  const r = await runWorkload(skipped, parseBenchFlags(["--memory"]), 2);
  assert.equal(r.skipped, "needs a file");
  assert.equal(ran, false);
});

Deno.test("a round's engine uses the round's KV and is closed after the round", async () => {
  let captured: Engine | undefined;
  let kvPath = "";
  const workload: Workload = {
    id: "T5",
    title: "test",
    metrics,
    async run(env) {
      captured = await env.engine();
      kvPath = env.kvPath;
      assert.equal(captured.reader.where, ":memory:");
      return { x: 1 };
    },
  };
  const result = await runWorkload(workload, parseBenchFlags(["--memory"]), 1);
  assert.equal(result.error, undefined);
  assert.equal(kvPath, ":memory:");
  await assert.rejects(
    (captured as Engine).start(SeqBench, { steps: 1 }),
    EngineClosedError,
  );
});
