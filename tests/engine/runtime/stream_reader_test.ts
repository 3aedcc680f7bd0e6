import assert from "node:assert/strict";
import { followStream, type StreamSource, streamValues } from "../../../engine/runtime/mod.ts";
import { WorkflowNotFoundError } from "../../../engine/mod.ts";
import type { StreamValue, WorkflowRecord } from "../../../store/mod.ts";

/** A run whose values and status a test sets; readers are woken by `notify()`. */
class FakeRun {
  values: StreamValue[] = [];
  status = "RUNNING";
  reads = 0;
  #wakes = new Set<() => void>();
  source(pollMs: number, exists = true): StreamSource {
    return {
      record: () => Promise.resolve(exists ? { status: this.status } as WorkflowRecord : undefined),
      values: (_id, _name, after, limit) => {
        this.reads++;
        return Promise.resolve(this.values.filter((v) => v.index > after).slice(0, limit));
      },
      watch: (_id, wake) => {
        this.#wakes.add(wake);
        return () => this.#wakes.delete(wake);
      },
      pollMs,
    };
  }
  write(value: unknown): void {
    this.values.push({ index: this.values.length, value, time: 0 });
    for (const w of this.#wakes) w();
  }
  get watchers(): number {
    return this.#wakes.size;
  }
}

Deno.test("followStream() reads what is stored, is woken for each write, and ends after the run", async () => {
  const run = new FakeRun();
  run.write("a");
  const got: unknown[] = [];
  // An hour's poll: only the wake-ups can bring the next values in time.
  const reading = (async () => {
    for await (const v of followStream(run.source(3_600_000), "w", "s")) got.push(v.value);
  })();
  while (got.length < 1) await new Promise((r) => setTimeout(r, 1));
  run.write("b");
  while (got.length < 2) await new Promise((r) => setTimeout(r, 1));
  run.write("c");
  run.status = "COMPLETED";
  run.write("d");
  await reading;
  assert.deepEqual(got, ["a", "b", "c", "d"]);
  assert.equal(run.watchers, 0, "it stops watching");
});

Deno.test("followStream() resumes after `after`, stops on abort, and refuses unknown runs", async () => {
  const run = new FakeRun();
  for (const v of ["a", "b", "c"]) run.write(v);
  const abort = new AbortController();
  const got: unknown[] = [];
  for await (
    const v of streamValues(followStream(run.source(3_600_000), "w", "s", {
      after: 0,
      signal: abort.signal,
    }))
  ) {
    got.push(v);
    if (got.length === 2) abort.abort();
  }
  assert.deepEqual(got, ["b", "c"]);
  const missing = followStream(run.source(10, false), "nope", "s");
  await assert.rejects(missing.next(), WorkflowNotFoundError);
  await assert.rejects(followStream(run.source(10), "w", "bad name").next(), /Invalid stream name/);
});
