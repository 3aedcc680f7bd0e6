/**
 * The CLI's two kinds of failure: a command line that cannot be used (exit code 2), and a
 * command that could not do its job (exit code 1).
 *
 * @module
 */

/** A command line that cannot be used: exit code 2. */
export class UsageError extends Error {
  /** The command, so that the message can point to its help. */
  readonly command: string | undefined;
  /**
   * Makes the error.
   *
   * @param message Names the argument and the problem.
   * @param command The command.
   */
  constructor(message: string, command?: string) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}

/** A command that could not do its job: exit code 1. */
export class CliError extends Error {
  /**
   * Makes the error.
   *
   * @param message What went wrong, and what to do.
   */
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}
