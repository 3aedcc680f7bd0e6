/**
 * `loom signal <id> <name>`: sends a signal to a run.
 *
 * @module
 */

import { COMMON_OPTIONS, type ParsedArgs } from "../args.ts";
import { openClient, QUEUED } from "../client.ts";
import { resolveRunId } from "../run_id.ts";
import type { Io } from "../io.ts";
import { targetOf } from "../target.ts";
import type { Command } from "./command.ts";

/** See the module doc. */
export const signalCommand: Command = {
  spec: {
    name: "signal",
    summary: "Send a signal to a run (through the server, or the owner's inbox)",
    positionals: [
      { name: "id", help: "The run's id, or an unambiguous start of it" },
      { name: "name", help: "Signal name" },
    ],
    description: [
      "A run that is not waiting for the signal yet keeps it until it does. Fails when the run has ended.",
      "An exact id always wins; a start of an id that matches several runs is refused (exit code 2), naming them.",
    ],
    options: {
      data: {
        type: "string",
        short: "d",
        value: "JSON",
        defaultText: "null",
        help: "Data sent with the signal",
      },
      ...COMMON_OPTIONS,
    },
    examples: [`loom signal refund-42 approve --data '{"approved":true,"by":"ada"}'`],
  },
  async run(args: ParsedArgs, io: Io): Promise<number> {
    const [typed, name] = args.positionals as [string, string];
    const data = args.json("data") ?? null;
    await using opened = await openClient(targetOf(args));
    const id = await resolveRunId(opened.lookup, typed, "signal");
    await opened.client.getHandle(id).signal(name, data);
    io.out(`Signal ${io.style.cyan(`"${name}"`)} sent to workflow ${io.style.bold(id)}`);
    if (opened.queued) io.out(io.style.yellow(QUEUED));
    return 0;
  },
};
