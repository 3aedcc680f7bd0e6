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
) {
  const deadline = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > deadline) {
      const held = kvPath === undefined ? "" : JSON.stringify([...await holders(kvPath)]);
      throw new Error(`Timed out waiting for ${what} ${held}`);
    }
    await new Promise((r) => setTimeout(r, 20));
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
async function takenFrom(kvPath: string, pid: number): Promise<number> {
  const began = Date.now();
  await waitUntil(
    `the partitions of pid ${pid} to be taken`,
    15_000,
    takenCheck(kvPath, pid),
    kvPath,
  );
  return Date.now() - began;
}

/**
 * Pauses `o` until the others have taken its partitions, and says after how long. A process
 * stopped while it holds SQLite's write lock stops every writer of the file until it resumes
 * (one writer per file: the README says so); then it is resumed a moment and paused again.
 */
async function pausedAndTaken(kvPath: string, o: Owner): Promise<number> {
  for (let attempt = 1;; attempt++) {
    o.signal("SIGSTOP");
    const began = Date.now();
    const taken = await Promise.race([
      waitUntil("the paused owner's partitions", 8_000, takenCheck(kvPath, o.child.pid)).then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((r) => setTimeout(() => r(false), 9_000)),
    ]);
    if (taken) return Date.now() - began;
    if (attempt === 5) throw new Error("The paused owner's partitions were never taken");
    o.signal("SIGCONT");
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function exited(o: Owner): Promise<boolean> {
  return await Promise.race([o.child.status.then(() => true), Promise.resolve(false)]);
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
    const owners: Owner[] = [];
    const kills: KillSnapshot[] = [];
    const figures: Record<string, number> = {};
    try {
      // The first creates the file alone; the others join it.
      owners.push(Owner.spawn(config));
      await owners[0]!.waitFor("READY", 60_000);
      const joining = Date.now();
      owners.push(Owner.spawn(config), Owner.spawn(config));
      await Promise.all(owners.map((o) => o.waitFor("READY", 60_000)));
      await waitUntil("three processes to share the partitions", 20_000, async () => {
        const held = await holders(kvPath);
        return owners.every((o) => (held.get(o.child.pid)?.length ?? 0) >= 5);
      });
      figures.joinMs = Date.now() - joining;
      await Deno.writeTextFile(go, "");
      await new Promise((r) => setTimeout(r, size === "ci" ? 500 : 1_500));

      const [first, killed, paused] = owners as [Owner, Owner, Owner];
      await killed.kill();
      kills.push(await snapshot(kvPath, trace, ids));
      figures.killTakeoverMs = await takenFrom(kvPath, killed.child.pid);

      figures.pauseTakeoverMs = await pausedAndTaken(kvPath, paused);
      await new Promise((r) => setTimeout(r, 300));
      // What was committed while it was paused: it must run none of it after it resumes.
      kills.push(await snapshot(kvPath, trace, ids));
      paused.signal("SIGCONT");
      const code = await paused.exit();
      if (code !== 3 && !paused.output.includes("DONE")) {
        throw new Error(`The resumed owner exited ${code}, not 3 (LOST): ${paused.errors}`);
      }
      figures.resumedSawLost = paused.output.includes("LOST") ? 1 : 0;

      // A supervisor restarts it; it (and any owner that loses a lease later: a process whose
      // lease lapsed under load stops and exits 3) joins again and takes a share.
      const live = [first, Owner.spawn(config)];
      owners.push(live[1]!);
      figures.restarts = 1;
      const deadline = Date.now() + (size === "ci" ? 180_000 : 900_000);
      while (!live.some((o) => o.output.includes("DONE"))) {
        if (Date.now() > deadline) throw new Error("The runs did not all end in time");
        for (const [i, o] of live.entries()) {
          const lost = o.output.includes("LOST");
          if (!lost && !await exited(o)) continue;
          const code = await o.exit();
          if (code !== 3 && !o.output.includes("DONE")) {
            throw new Error(`An owner exited ${code}: ${o.errors.slice(-2000)}`);
          }
          if (o.output.includes("DONE")) continue;
          live[i] = Owner.spawn(config);
          owners.push(live[i]!);
          figures.restarts++;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      for (const o of owners) await o.kill();
    }
    const by = (await Deno.readTextFile(`${trace}.by`)).split("\n").filter((l) => l !== "");
    figures.processesWorked = new Set(by).size;
    if (figures.processesWorked < 3) {
      throw new Error(`Only ${figures.processesWorked} processes ran activities`);
    }
    return { ...await account(kvPath, trace, ids, kills), figures };
  },
};
