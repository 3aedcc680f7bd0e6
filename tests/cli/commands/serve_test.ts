import assert from "node:assert/strict";
import { parseCommand, type ParsedArgs } from "../../../cli/args.ts";
import { COMMANDS, DEFAULT_MAX_BODY, serveOptions, webOptions } from "../../../cli/commands/mod.ts";
import { UsageError } from "../../../cli/errors.ts";
import { memoryIo } from "../../../cli/io.ts";
import { runCli } from "../../../cli/mod.ts";

function args(command: string, argv: string[], env: Record<string, string> = {}): ParsedArgs {
  const spec = COMMANDS.get(command)?.spec;
  assert.ok(spec);
  const parsed = parseCommand(spec, argv, (name) => env[name]);
  assert.notEqual(parsed, "help");
  return parsed as ParsedArgs;
}

Deno.test("serveOptions() has the reference's defaults", () => {
  assert.deepEqual(serveOptions(args("serve", [])), {
    kvPath: ".loom/loom.kv",
    modules: [],
    host: "127.0.0.1",
    port: 8000, // the default of the flag: not a server
    pollIntervalMs: 500,
    maxBody: DEFAULT_MAX_BODY,
    workers: navigator.hardwareConcurrency,
  });
  assert.equal(DEFAULT_MAX_BODY, 10 * 1024 * 1024);
});

Deno.test("serveOptions() reads every flag and the environment", () => {
  const options = serveOptions(args("serve", [
    "--host",
    "0.0.0.0",
    "--port",
    "0",
    "-p",
    "0.2",
    "--max-body",
    "1MiB",
    "-c",
    "8",
    "--module",
    "a.ts",
    "--module",
    "b.ts",
  ], { LOOM_KV: "env.kv", LOOM_TOKEN: "secret" }));
  assert.deepEqual(options, {
    kvPath: "env.kv",
    modules: ["a.ts", "b.ts"],
    host: "0.0.0.0",
    port: 0,
    pollIntervalMs: 200,
    maxBody: 1024 * 1024,
    token: "secret",
    workers: navigator.hardwareConcurrency,
    concurrency: 8,
  });
});

Deno.test("webOptions() reads the flags of loom web", () => {
  assert.deepEqual(webOptions(args("web", ["--port", "8080", "--token", "t", "--kv", "x.kv"])), {
    kvPath: "x.kv",
    modules: [],
    host: "127.0.0.1",
    port: 8080,
    pollIntervalMs: 500,
    maxBody: DEFAULT_MAX_BODY,
    token: "t",
  });
});

Deno.test("serve and web refuse a bad port and --reload, naming them", () => {
  assert.throws(
    () => serveOptions(args("serve", ["--port", "70000"])),
    /Invalid value "70000" for --port/,
  );
  assert.throws(
    () => webOptions(args("web", ["--max-body", "huge"])),
    /Invalid value "huge" for --max-body/,
  );
  assert.throws(() => webOptions(args("web", ["--reload"])), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.match(
      e.message,
      /"--reload" of "loom web" is not supported: run "deno run --watch -A main\.ts web"/,
    );
    return true;
  });
});

Deno.test("runCli() exits 2 for a bad serve flag before starting anything", async () => {
  const io = memoryIo();
  assert.equal(await runCli(["serve", "--port=-1"], io), 2);
  assert.match(
    io.stderr.join("\n"),
    /Invalid value "-1" for --port: expected an integer from 0 to 65535/,
  );
});

Deno.test("serve and worker read --public-url (env LOOM_PUBLIC_URL), an http(s) URL", () => {
  assert.equal(
    serveOptions(args("serve", ["--public-url", "https://loom.example/"])).publicUrl,
    "https://loom.example",
  );
  assert.equal(
    serveOptions(args("serve", [], { LOOM_PUBLIC_URL: "http://10.0.0.2:8080" })).publicUrl,
    "http://10.0.0.2:8080",
  );
  assert.equal(serveOptions(args("serve", [])).publicUrl, undefined);
  for (const bad of ["loom.example", "ftp://loom.example"]) {
    assert.throws(() => serveOptions(args("serve", ["--public-url", bad])), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(
        e.message,
        `Invalid value "${bad}" for --public-url: expected an http or https URL`,
      );
      return true;
    });
  }
});

Deno.test("runCli() exits 2 for a bad --public-url of loom worker", async () => {
  const io = memoryIo();
  assert.equal(await runCli(["worker", "--public-url", "nope", "--kv", ":memory:"], io), 2);
  assert.match(io.stderr.join("\n"), /Invalid value "nope" for --public-url/);
});
