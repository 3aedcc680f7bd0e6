import assert from "node:assert/strict";
import { LoomReader } from "../../engine/mod.ts";
import { tempDir, traceLines, until } from "../_helpers.ts";

const OWNER = new URL("./_owner.ts", import.meta.url).pathname;
const COUNT = 4;

function spawnOwner(kvPath: string, trace: string, point: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", OWNER, kvPath, trace, point, String(COUNT)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let out = "";
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const pump = (async () => {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
  })();
  return { child, output: () => out, pump };
}

/** Activity results that had committed, per workflow, read from the file of the killed owner. */
async function committedSteps(kvPath: string): Promise<Set<string>> {
  const kv = await Deno.openKv(kvPath);
  const reader = new LoomReader(kv, kvPath);
  const done = new Set<string>();
  try {
    for (let i = 0; i < COUNT; i++) {
      const id = `r-${i}`;
      const events = await reader.eventsOf(id);
      const names = new Map<number, string>();
      for (const e of events) {
        const p = e.payload as { seq: number; args: unknown[] };
        if (e.type === "ACTIVITY_SCHEDULED") names.set(p.seq, String(p.args[1]));
        if (e.type === "ACTIVITY_COMPLETED") done.add(`${id} ${names.get(p.seq)}`);
      }
    }
  } finally {
    kv.close();
  }
  return done;
}

interface Case {
  name: string;
  point: string;
  waitFor?: (trace: string[]) => boolean;
  /** What must hold of the killed owner's file, so that the case tests what it says. */
  check: (committed: Set<string>, trace: string[]) => void;
}

const CASES: Case[] = [
  {
    name: "after the start commit",
    point: "start-committed",
    check: (committed) => assert.equal(committed.size, 0),
  },
  {
    name: "while an activity runs",
    point: "none",
    waitFor: (t) => t.some((l) => l.endsWith(" b start")),
    check: (committed, trace) => {
      const running = trace.filter((l) => l.endsWith(" b start")).map((l) => l.split(" ")[0]);
      for (const id of running) {
        assert.ok(committed.has(`${id} a`));
        assert.ok(!committed.has(`${id} b`), "b was running, not committed");
      }
    },
  },
  {
    name: "after an activity result commits, before the next step",
    point: "activity-committed",
    check: (committed, trace) => {
      assert.ok(committed.size >= 1);
      assert.ok(!trace.some((l) => l.endsWith(" b start")), "the next step had not run");
    },
  },
  {
    name: "while a timer sleeps",
    point: "timer-armed",
    check: (committed, trace) => {
      assert.ok(committed.size >= 1);
      assert.ok(!trace.some((l) => l.endsWith(" b start")));
    },
  },
];

for (const c of CASES) {
  Deno.test(`an owner killed (SIGKILL) ${c.name} recovers every run without redoing committed steps`, async () => {
    await using dir = await tempDir();
    const kvPath = `${dir.path}/loom.kv`;
    const trace = `${dir.path}/trace.log`;
    const first = spawnOwner(kvPath, trace, c.point);
    try {
      if (c.waitFor !== undefined) {
        await until(async () => c.waitFor?.(await traceLines(trace)), "the crash moment", 20_000);
      } else {
        await until(() => first.output().includes("CRASHPOINT"), `crash point ${c.point}`, 20_000);
      }
    } finally {
      first.child.kill("SIGKILL");
      await first.child.status;
      await first.pump;
    }
    assert.ok(!first.output().includes("DONE"), "the first owner did not finish");
    const committed = await committedSteps(kvPath);
    c.check(committed, await traceLines(trace));

    const second = spawnOwner(kvPath, trace, "none");
    const status = await second.child.status;
    await second.pump;
    assert.equal(status.code, 0);
    const done = second.output().split("\n").find((l) => l.startsWith("DONE "));
    assert.ok(done, `the restarted owner finished: ${second.output()}`);
    const results = JSON.parse(done.slice(5)) as { a: number; b: number }[];
    assert.deepEqual(results, Array.from({ length: COUNT }, () => ({ a: 1, b: 2 })));

    const lines = await traceLines(trace);
    for (let i = 0; i < COUNT; i++) {
      for (const step of ["a", "b"]) {
        const key = `r-${i} ${step}`;
        const runs = lines.filter((l) => l === `${key} start`).length;
        assert.ok(runs >= 1, `${key} ran`);
        if (committed.has(key)) assert.equal(runs, 1, `${key} had committed and did not run again`);
        else assert.ok(runs <= 2, `${key} ran at most once more after the crash`);
      }
    }
  });
}
