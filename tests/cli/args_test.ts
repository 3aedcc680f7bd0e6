import assert from "node:assert/strict";
import {
  commandHelp,
  type CommandSpec,
  COMMON_OPTIONS,
  parseCommand,
  type ParsedArgs,
} from "../../cli/args.ts";
import { UsageError } from "../../cli/errors.ts";
import { createStyle } from "../../cli/style.ts";

const spec: CommandSpec = {
  name: "demo",
  summary: "A command for tests",
  positionals: [{ name: "id", help: "An id" }],
  options: {
    limit: { type: "string", short: "l", value: "N", defaultText: "50", help: "Rows" },
    every: { type: "string", value: "SECONDS", help: "Interval" },
    size: { type: "string", value: "SIZE", help: "Size" },
    data: { type: "string", value: "JSON", help: "Data" },
    other: { type: "string", help: "Other" },
    json: { type: "boolean", help: "JSON" },
    module: { type: "string", multiple: true, value: "FILE", help: "Modules" },
    ...COMMON_OPTIONS,
  },
};

function parse(args: string[], env: Record<string, string> = {}): ParsedArgs {
  const parsed = parseCommand(spec, args, (name) => env[name]);
  assert.notEqual(parsed, "help");
  return parsed as ParsedArgs;
}

function usage(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${e}`);
    assert.match(e.message, message);
    return true;
  });
}

Deno.test("parseCommand() reads options, short aliases, repeats and positionals", () => {
  const args = parse(["x1", "-l", "7", "--json", "--module", "a.ts", "--module=b.ts"]);
  assert.deepEqual(args.positionals, ["x1"]);
  assert.equal(args.int("limit", 50), 7);
  assert.equal(args.flag("json"), true);
  assert.deepEqual(args.list("module"), ["a.ts", "b.ts"]);
  assert.equal(args.string("other"), undefined);
  assert.equal(args.command, "loom demo");
});

Deno.test("parseCommand() returns help for --help and -h, whatever else is there", () => {
  assert.equal(parseCommand(spec, ["--help"], () => undefined), "help");
  assert.equal(parseCommand(spec, ["-h", "--unknown-is-not-read"], () => undefined), "help");
});

Deno.test("parseCommand() names an unknown option", () => {
  usage(() => parse(["x", "--bogus"]), /^Unknown option "--bogus" for "loom demo"$/);
  usage(() => parse(["x", "-z"]), /^Unknown option "-z" for "loom demo"$/);
});

Deno.test("parseCommand() names a missing value and a value given to a flag", () => {
  usage(() => parse(["x", "--limit"]), /Option "--limit" of "loom demo" needs a value/);
  usage(() => parse(["x", "--json=yes"]), /Option "--json" of "loom demo" takes no value/);
});

Deno.test("parseCommand() checks the number of positionals", () => {
  usage(() => parse([]), /^Missing argument <id> for "loom demo"$/);
  usage(() => parse(["a", "b"]), /^Unexpected argument "b" for "loom demo"$/);
});

Deno.test("ParsedArgs.string() falls back to the environment, then the default", () => {
  assert.equal(parse(["x"]).string("kv", ".loom/loom.kv"), ".loom/loom.kv");
  assert.equal(parse(["x"], { LOOM_KV: "env.kv" }).string("kv", "d"), "env.kv");
  assert.equal(parse(["x", "--kv", "flag.kv"], { LOOM_KV: "env.kv" }).string("kv", "d"), "flag.kv");
  assert.equal(parse(["x"], { LOOM_KV: "" }).string("kv", "d"), "d", "an empty variable is unset");
});

Deno.test("ParsedArgs.int() rejects what is not an integer in range, naming the option", () => {
  assert.equal(parse(["x", "-l", "0"]).int("limit", 50), 0);
  usage(
    () => parse(["x", "-l", "abc"]).int("limit", 50, { min: 1 }),
    /Invalid value "abc" for --limit: expected an integer of at least 1/,
  );
  usage(() => parse(["x", "-l", "1.5"]).int("limit", 50), /Invalid value "1.5" for --limit/);
  usage(
    () => parse(["x", "-l", "2000"]).int("limit", 50, { min: 1, max: 1000 }),
    /expected an integer from 1 to 1000/,
  );
});

Deno.test("ParsedArgs.seconds() turns seconds into milliseconds", () => {
  assert.equal(parse(["x"]).seconds("every", 0.5), 500);
  assert.equal(parse(["x", "--every", "0.25"]).seconds("every", 0.5), 250);
  usage(() => parse(["x", "--every", "0"]).seconds("every", 1), /positive number of seconds/);
  usage(
    () => parse(["x", "--every", "soon"]).seconds("every", 1),
    /Invalid value "soon" for --every/,
  );
});

Deno.test("ParsedArgs.bytes() reads sizes with binary units", () => {
  assert.equal(parse(["x"]).bytes("size", 42), 42);
  assert.equal(parse(["x", "--size", "1048576"]).bytes("size", 0), 1048576);
  assert.equal(parse(["x", "--size", "512KiB"]).bytes("size", 0), 512 * 1024);
  assert.equal(parse(["x", "--size", "10mb"]).bytes("size", 0), 10 * 1024 * 1024);
  assert.equal(parse(["x", "--size", "1G"]).bytes("size", 0), 1024 ** 3);
  usage(() => parse(["x", "--size", "lots"]).bytes("size", 0), /Invalid value "lots" for --size/);
});

Deno.test("ParsedArgs.json() parses JSON and names the option when it is not JSON", () => {
  assert.deepEqual(parse(["x", "--data", '{"a":[1,true,null]}']).json("data"), {
    a: [1, true, null],
  });
  assert.equal(parse(["x"]).json("data"), undefined);
  usage(() => parse(["x", "--data", "{bad"]).json("data"), /^Invalid JSON in --data: /);
});

Deno.test("ParsedArgs.exclusive() refuses options that exclude each other", () => {
  parse(["x", "--data", "1"]).exclusive("data", "other");
  usage(
    () => parse(["x", "--data", "1", "--other", "2"]).exclusive("data", "other"),
    /^Options --data and --other cannot be used together$/,
  );
});

Deno.test("commandHelp() lists usage, arguments and every option with env and default", () => {
  const text = commandHelp(spec, createStyle(false)).join("\n");
  assert.match(text, /^Usage: loom demo <id> \[options\]/);
  assert.match(text, /<id>\s+An id/);
  assert.match(text, /-l, --limit N\s+Rows \(default 50\)/);
  assert.match(text, /--kv PATH\s+KV file \(env LOOM_KV; default \.loom\/loom\.kv\)/);
  assert.match(text, /-h, --help\s+Show this help/);
  assert.ok(!text.includes("\x1b["), "no colour codes when colour is off");
});
