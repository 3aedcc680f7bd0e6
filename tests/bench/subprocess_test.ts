import assert from "node:assert/strict";
import { Child } from "../../bench/subprocess.ts";
import { tempDir } from "../_helpers.ts";

Deno.test("Child delivers its JSON lines as messages and can be killed", async () => {
  await using dir = await tempDir();
  const script = `${dir.path}/child.ts`;
  await Deno.writeTextFile(
    script,
    `console.log(JSON.stringify({ event: "hello", n: 1 }));
console.log("not a message");
console.log(JSON.stringify({ event: "second", n: 2 }));
await new Promise(() => setInterval(() => {}, 1000));`,
  );
  await using child = new Child(new URL(`file://${script}`), []);
  const { message } = await child.waitFor((m) => m.event === "second", 30_000, "the second line");
  assert.deepEqual(message, { event: "second", n: 2 });
  assert.equal(child.received("hello"), true);
  assert.equal(child.exited, false);
  child.kill("SIGKILL");
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL");
  assert.equal(child.exited, true);
});

Deno.test("Child.waitFor() rejects with the child's output when it exits first", async () => {
  await using dir = await tempDir();
  const script = `${dir.path}/child.ts`;
  await Deno.writeTextFile(script, `console.error("it went wrong"); Deno.exit(3);`);
  await using child = new Child(new URL(`file://${script}`), []);
  await assert.rejects(
    child.waitFor((m) => m.event === "never", 30_000, "a message"),
    /The subprocess exited before a message: it went wrong/,
  );
  assert.equal((await child.status).code, 3);
});
