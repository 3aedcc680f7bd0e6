/**
 * Three owner processes share one file under load (runs spread over the file's 16 partitions):
 * one is SIGKILLed, its partitions are taken over once its leases lapse; another is paused
 * (SIGSTOP) past its leases, the others take its partitions, and when it resumes (SIGCONT) it
 * must not run an activity that was committed meanwhile: it stops with "LOST" and a new process
 * joins in its place, as a supervisor would restart it (so is any owner that loses a lease
 * under load). Then every run's history is read back and checked, and the figures say
 * how fast partitions changed hands and how many processes ran activities.
 *
 * @module
 */

import { ownerProcesses } from "../../../store/mod.ts";
import {
  account,
  type ChaosCounts,
  type ChaosSize,
  type KillSnapshot,
  Owner,
  runIds,
  type Scenario,
  snapshot,
} from "../_harness.ts";
import type { OwnerConfig } from "../_owner.ts";

async function holders(kvPath: string): Promise<Map<number, number[]>> {
  const kv = await Deno.openKv(kvPath);
  try {
    const out = new Map<number, number[]>();
    for (const p of await ownerProcesses(kv, 16)) out.set(p.pid, p.partitions);
    return out;
  } finally {
    kv.close();
  }
}

async function waitUntil(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  kvPath?: string,
  crew?: Crew,
) {
  const deadline = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > deadline) {
      const held = kvPath === undefined ? "" : JSON.stringify([...await holders(kvPath)]);
      throw new Error(`Timed out waiting for ${what} ${held}`);
    }
    await crew?.tend();
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The pids of the processes that started an activity (the chaos activity notes its pid). */
async function pidsAtWork(trace: string): Promise<Set<string>> {
  try {
    const lines = (await Deno.readTextFile(`${trace}.by`)).split("\n");
    return new Set(lines.filter((l) => l !== ""));
  } catch {
    return new Set(); // No activity yet.
  }
}

/**
 * Waits until one of `candidates` (live owners, in order of preference; a restart may replace
 * one meanwhile) has started an activity, and returns it, so that a kill or a pause lands on a
 * process at work: under load, the first activities can start seconds after the runs are let go.
 */
async function atWork(trace: string, crew: Crew, candidates: () => Owner[]): Promise<Owner> {
  let found: Owner | undefined;
  await waitUntil(
    "an owner to start an activity",
    60_000,
    async () => {
      for (const o of candidates()) {
        if (o.output.includes("LOST") || await exited(o)) continue;
        if ((await pidsAtWork(trace)).has(String(o.child.pid))) {
          found = o;
          return true;
        }
      }
      return false;
    },
    undefined,
    crew,
  );
  return found!;
}

async function exited(o: Owner): Promise<boolean> {
  return await Promise.race([o.child.status.then(() => true), Promise.resolve(false)]);
}

/**
 * The owner processes, restarted as a supervisor would: an owner whose lease lapsed under load
 * stops with "LOST" and exits 3, and a new process joins in its place. Without that, a lapse of
 * the one live owner while another is paused leaves nobody to take the partitions.
 */
class Crew {
  readonly all: Owner[] = [];
  readonly live: Owner[] = [];
  restarts = 0;
  constructor(readonly config: OwnerConfig) {}

  spawn(): Owner {
    const o = Owner.spawn(this.config);
    this.all.push(o);
    this.live.push(o);
    return o;
  }

  /** Takes `o` out of the crew (paused or killed by the scenario itself). */
  remove(o: Owner): void {
    this.live.splice(this.live.indexOf(o), 1);
  }

  /** Restarts every live owner that lost a lease; throws when one exited otherwise. */
  async tend(): Promise<void> {
    for (const [i, o] of this.live.entries()) {
      if (!o.output.includes("LOST") && !await exited(o)) continue;
      const code = await o.exit();
      if (o.output.includes("DONE")) continue;
      if (code !== 3) throw new Error(`An owner exited ${code}: ${o.errors.slice(-2000)}`);
      this.live[i] = Owner.spawn(this.config);
      this.all.push(this.live[i]!);
      this.restarts++;
    }
  }

  done(): boolean {
    return this.live.some((o) => o.output.includes("DONE"));
  }
}

function takenCheck(kvPath: string, pid: number): () => Promise<boolean> {
  return async () => {
    const held = await holders(kvPath);
    return (held.get(pid)?.length ?? 0) === 0 &&
      [...held.values()].reduce((n, ps) => n + ps.length, 0) === 16;
  };
}

/** Waits until no partition is held by `pid`, and says after how long. */
async function takenFrom(kvPath: string, pid: number, crew: Crew): Promise<number> {
  const began = Date.now();
  await waitUntil(
    `the partitions of pid ${pid} to be taken`,
    15_000,
    takenCheck(kvPath, pid),
    kvPath,
    crew,
  );
  return Date.now() - began;
}

/**
 * Pauses `o` until the others have taken its partitions, and says after how long. A process
 * stopped while it holds SQLite's write lock stops every writer of the file until it resumes
 * (one writer per file: the README says so); then it is resumed a moment and paused again.
 */
async function pausedAndTaken(kvPath: string, o: Owner, crew: Crew): Promise<number> {
  const check = takenCheck(kvPath, o.child.pid);
  for (let attempt = 1;; attempt++) {
    o.signal("SIGSTOP");
    const began = Date.now();
    while (Date.now() - began < 8_000) {
      // A read waits while the paused process holds the write lock: given up after a second.
      const taken = await Promise.race([
        check(),
        new Promise<boolean>((r) => setTimeout(() => r(false), 1_000)),
      ]);
      if (taken) return Date.now() - began;
      await crew.tend();
      await new Promise((r) => setTimeout(r, 20));
    }
    if (attempt === 5) throw new Error("The paused owner's partitions were never taken");
    o.signal("SIGCONT");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** See the module doc. */
export const share: Scenario = {
  name: "share",
  description:
    "3 owners share a file under load: one SIGKILLed, one paused past its leases and resumed",
  async run(dir: string, size: ChaosSize): Promise<ChaosCounts> {
    const kvPath = `${dir}/loom.kv`;
    const trace = `${dir}/trace.txt`;
    const go = `${dir}/go`;
    const runs = size === "ci" ? 90 : 1000;
    const config: OwnerConfig = {
      kvPath,
      prefix: "share-",
      runs,
      workers: 0,
      startAfter: go,
      input: {
        trace,
        activities: 3,
        firstBytes: [1_000, size === "ci" ? 150_000 : 300_000],
        againBytes: 1_000,
        pad: "i".repeat(size === "ci" ? 1_000 : 20_000),
        activityMs: size === "ci" ? 400 : 200,
      },
    };
    const ids = runIds(config.prefix, runs);
    const crew = new Crew(config);
    const kills: KillSnapshot[] = [];
    const figures: Record<string, number> = {};
    try {
      // The first creates the file alone; the others join it.
      await crew.spawn().waitFor("READY", 60_000);
      const joining = Date.now();
      crew.spawn();
      crew.spawn();
      await Promise.all(crew.live.map((o) => o.waitFor("READY", 60_000)));
      await waitUntil(
        "three processes to share the partitions",
        20_000,
        async () => {
          const held = await holders(kvPath);
          return crew.live.every((o) => (held.get(o.child.pid)?.length ?? 0) >= 5);
        },
        kvPath,
        crew,
      );
      figures.joinMs = Date.now() - joining;
      await Deno.writeTextFile(go, "");
      await new Promise((r) => setTimeout(r, size === "ci" ? 500 : 1_500));

      const killed = await atWork(trace, crew, () => [...crew.live.slice(1), crew.live[0]!]);
      crew.remove(killed);
      await killed.kill();
      kills.push(await snapshot(kvPath, trace, ids));
      figures.killTakeoverMs = await takenFrom(kvPath, killed.child.pid, crew);

      // One that still runs (one whose lease lapsed meanwhile was replaced by a new process).
      await crew.tend();
      const paused = await atWork(trace, crew, () => [...crew.live].reverse());
      crew.remove(paused);
      figures.pauseTakeoverMs = await pausedAndTaken(kvPath, paused, crew);
      await new Promise((r) => setTimeout(r, 300));
      // What was committed while it was paused: it must run none of it after it resumes.
      kills.push(await snapshot(kvPath, trace, ids));
      paused.signal("SIGCONT");
      const code = await paused.exit();
      if (code !== 3 && !paused.output.includes("DONE")) {
        throw new Error(`The resumed owner exited ${code}, not 3 (LOST): ${paused.errors}`);
      }
      figures.resumedSawLost = paused.output.includes("LOST") ? 1 : 0;

      // A supervisor restarts it; it (and any owner that loses a lease later) joins again and
      // takes a share.
      crew.spawn();
      crew.restarts++;
      const deadline = Date.now() + (size === "ci" ? 180_000 : 900_000);
      while (!crew.done()) {
        if (Date.now() > deadline) throw new Error("The runs did not all end in time");
        await crew.tend();
        await new Promise((r) => setTimeout(r, 50));
      }
      figures.restarts = crew.restarts;
    } finally {
      for (const o of crew.all) await o.kill();
    }
    figures.processesWorked = (await pidsAtWork(trace)).size;
    if (figures.processesWorked < 3) {
      throw new Error(`Only ${figures.processesWorked} processes ran activities`);
    }
    return { ...await account(kvPath, trace, ids, kills), figures };
  },
};
