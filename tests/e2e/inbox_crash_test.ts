import assert from "node:assert/strict";
import { connectKv, LoomReader } from "../../engine/mod.ts";
import { tempDir, until } from "../_helpers.ts";

const OWNER = new URL("./_inbox_owner.ts", import.meta.url).pathname;

function spawnOwner(kvPath: string, point: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", OWNER, kvPath, point],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let out = "";
  const pump = (async () => {
    for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) out += text;
  })();
  return { child, output: () => out, pump };
}

Deno.test("a signal from another process is carried out once when the owner is killed right after recording it (SIGKILL before the inbox answer)", async () => {
  await using dir = await tempDir();
  const kvPath = `${dir.path}/loom.kv`;
  const first = spawnOwner(kvPath, "inbox-carried-out");
  try {
    await until(() => first.output().includes("READY"), "the first owner's run", 30_000);
    await using client = await connectKv({ kvPath, replyTimeoutMs: 10_000 });
    // The answer is written by the transition that records the signal, before the crash point.
    await client.getHandle("inbox-1").signal("go", { n: 1 });
    await until(() => first.output().includes("CRASHPOINT"), "the crash point", 20_000);
  } finally {
    first.child.kill("SIGKILL");
    await first.child.status;
    await first.pump;
  }
  const kv = await Deno.openKv(kvPath);
  try {
    const inbox = await Array.fromAsync(kv.list({ prefix: ["inbox"] }));
    assert.deepEqual(inbox, [], "the request left the inbox with the transition");
  } finally {
    kv.close();
  }

  const second = spawnOwner(kvPath, "none");
  const status = await second.child.status;
  await second.pump;
  assert.equal(status.code, 0, second.output());
  const done = second.output().split("\n").find((l) => l.startsWith("DONE "));
  assert.equal(done, 'DONE {"signals":1}', second.output());
  const check = await Deno.openKv(kvPath);
  try {
    const events = await new LoomReader(check, kvPath).eventsOf("inbox-1");
    assert.equal(events.filter((e) => e.type === "SIGNAL_RECEIVED").length, 1);
  } finally {
    check.close();
  }
});
