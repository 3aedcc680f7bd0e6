import assert from "node:assert/strict";
import { tempDir, textDecoder, until } from "../_helpers.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Takes partition 0's lease as another owner would after a takeover: a new epoch. */
async function takeLease(kvPath: string): Promise<void> {
  const kv = await Deno.openKv(kvPath);
  try {
    const lease = await kv.get<{ epoch: number }>(["owner", 0]);
    const epoch = (lease.value?.epoch ?? 0) + 1;
    const now = Date.now();
    await kv.atomic()
      .set(["owner", 0], {
        ownerId: "someone-else",
        pid: 1,
        host: "elsewhere",
        epoch,
        acquiredAt: now,
        expiresAt: now + 60_000,
      })
      .set(["owner_epoch", 0], { epoch, ownerId: "someone-else" })
      .commit();
  } finally {
    kv.close();
  }
}

const COMMANDS: [string, (kvPath: string) => string[]][] = [
  ["serve", (kv) => ["serve", "--kv", kv, "--workers", "0", "--port", "0"]],
  ["worker", (kv) => ["worker", "--kv", kv, "--workers", "0"]],
];

for (const [command, argv] of COMMANDS) {
  Deno.test(`loom ${command} exits non-zero when another process takes its owner lease`, async () => {
    await using dir = await tempDir();
    const kvPath = `${dir.path}/loom.kv`;
    const args = ["run", "-A", MAIN, ...argv(kvPath)];
    const child = new Deno.Command(Deno.execPath(), {
      args,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    let out = "";
    const read = async (s: ReadableStream<Uint8Array>) => {
      for await (const chunk of s.pipeThrough(textDecoder())) out += chunk;
    };
    const pumps = Promise.all([read(child.stdout), read(child.stderr)]);
    try {
      await until(() => /owns/.test(out), `loom ${command} owning the file`, 30_000);
      await takeLease(kvPath);
      const status = await Promise.race([
        child.status,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`loom ${command} is still up:\n${out}`)), 15_000)
        ),
      ]);
      await pumps;
      assert.notEqual(status.code, 0, out);
      assert.match(out, /lost the owner lease/);
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* exited */ }
    }
  });
}
