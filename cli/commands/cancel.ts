/**
 * `loom cancel <id>`: asks a run to stop.
 *
 * @module
 */

import { COMMON_OPTIONS, type ParsedArgs } from "../args.ts";
import { openClient, QUEUED } from "../client.ts";
import { resolveRunId } from "../run_id.ts";
import { colorStatus } from "../format.ts";
import type { Io } from "../io.ts";
import { targetOf } from "../target.ts";
import type { Command } from "./command.ts";

/** See the module doc. */
export const cancelCommand: Command = {
  spec: {
    name: "cancel",
    summary: "Cancel a run (through the server, or the owner's inbox)",
    positionals: [{ name: "id", help: "The run's id, or an unambiguous start of it" }],
    description: [
      "The durable call the run is waiting on throws WorkflowCancelledError; the run may clean up before it ends as CANCELLED. Fails when the run completed or failed.",
      "An exact id always wins; a start of an id that matches several runs is refused (exit code 2), naming them.",
    ],
    options: {
      reason: {
        type: "string",
        short: "r",
        value: "TEXT",
        defaultText: '"Cancelled from the command line"',
        help: "Why, recorded in the run's history",
      },
      ...COMMON_OPTIONS,
    },
    examples: [`loom cancel refund-42 --reason "customer withdrew"`],
  },
  async run(args: ParsedArgs, io: Io): Promise<number> {
    const reason = args.string("reason", "Cancelled from the command line");
    await using opened = await openClient(targetOf(args));
    const id = await resolveRunId(opened.lookup, args.positionals[0] as string, "cancel");
    const handle = opened.client.getHandle(id);
    await handle.cancel(reason);
    const status = await handle.status();
    io.out(
      `Cancellation of workflow ${io.style.bold(id)} requested; it is ${
        colorStatus(io.style, status)
      }`,
    );
    if (opened.queued) io.out(io.style.yellow(QUEUED));
    return 0;
  },
};
