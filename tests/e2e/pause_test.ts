import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { tempDir, traceLines, until } from "../_helpers.ts";

const OWNER = new URL("./_pause_owner.ts", import.meta.url).pathname;
const COUNT = 30;

/** Whether a process holds the KV file's SQLite write lock (a paused one would hold it for good). */
function writeLocked(path: string): boolean {
  const db = new DatabaseSync(path, { timeout: 100 });
  try {
    db.exec("BEGIN IMMEDIATE");
    db.exec("ROLLBACK");
    return false;
  } catch {
    return true;
  } finally {
    db.close();
  }
}

/**
 * Pauses a process between two of its writes: a process paused inside a SQLite write keeps the
 * file's lock, and nothing else can write it until it runs again (a SQLite limit, not Loom's).
 */
async function pauseBetweenWrites(child: Deno.ChildProcess, kvPath: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    child.kill("SIGSTOP");
    await new Promise((r) => setTimeout(r, 50));
    if (!writeLocked(kvPath)) return;
    child.kill("SIGCONT");
    await new Promise((r) => setTimeout(r, 2 + (i % 7)));
  }
  throw new Error("Could not pause the owner between two writes");
}

function spawn(kvPath: string, trace: string, mode: "start" | "join") {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", OWNER, kvPath, trace, String(COUNT), "4", mode],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const pump = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) out += chunk;
  })();
  const errors = (async () => {
    let err = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) err += chunk;
    return err;
  })();
  return { child, output: () => out, pump, errors };
}

Deno.test({
  name: "a paused owner that lost its lease starts no activity attempt when it wakes up (SIGSTOP)",
  // SIGSTOP and SIGCONT are POSIX signals.
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await using dir = await tempDir();
    const kvPath = `${dir.path}/loom.kv`;
    const trace = `${dir.path}/trace.txt`;
    const a = spawn(kvPath, trace, "start");
    // Many attempts wait for one of 4 slots when A is paused.
    await until(async () => (await traceLines(trace)).length >= 6, "A running attempts", 30_000);
    await pauseBetweenWrites(a.child, kvPath);
    const stoppedAt = Date.now();
    const b = spawn(kvPath, trace, "join");
    await until(() => b.output().includes("DONE"), "B completing every run", 60_000).catch(
      async (e) => {
        b.child.kill("SIGKILL");
        a.child.kill("SIGKILL");
        throw new Error(`${e.message}: B printed ${JSON.stringify(b.output())}, ${await b.errors}`);
      },
    );
    const resumedAt = Date.now();
    a.child.kill("SIGCONT");
    // A wakes up with attempts queued and timers due; it must drop them, not start them.
    const status = await Promise.race([
      a.child.status,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 10_000)),
    ]);
    if (status === undefined) a.child.kill("SIGKILL");
    await a.pump;
    const aErrors = await a.errors;
    await b.child.status;
    await b.pump;
    await b.errors;
    const lines = (await traceLines(trace)).map((l) => l.split(" "));
    const pidA = String(a.child.pid);
    const lateStarts = lines.filter(([time, pid, , , what]) =>
      pid === pidA && what === "start" && Number(time) >= resumedAt
    );
    assert.deepEqual(lateStarts, [], "attempts started by the paused owner after it woke up");
    assert.ok(stoppedAt < resumedAt);
    assert.equal(status?.code, 3, `A exits 3 after losing the lease; stderr: ${aErrors}`);
    // Every run completed once (B's DONE), and every step completed: B ran what A left.
    const ends = new Set(lines.filter((l) => l[4] === "end").map((l) => `${l[2]} ${l[3]}`));
    assert.equal(ends.size, COUNT * 3);
  },
});
