/**
 * What every command module provides.
 *
 * @module
 */

import type { CommandSpec, ParsedArgs } from "../args.ts";
import type { Io } from "../io.ts";

/** What a command gets besides its arguments. */
export interface CommandContext {
  /** Stops long-running commands (`worker`, `serve`, `web`, `start --wait`) when aborted. */
  signal?: AbortSignal;
}

/** A command: its spec (arguments and help) and what it does. */
export interface Command {
  /** Arguments and help. */
  spec: CommandSpec;
  /**
   * Runs the command.
   *
   * @param args Its parsed arguments.
   * @param io Where to write.
   * @param context Cancellation.
   * @returns The exit code.
   */
  run(args: ParsedArgs, io: Io, context: CommandContext): Promise<number>;
}
