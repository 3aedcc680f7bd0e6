/**
 * The store's error for a run whose stored data cannot be read (a chunk deleted, a record or a
 * history entry garbled): it names the run and what is wrong, so that the run can be reported
 * and set apart while every other run stays readable.
 *
 * @module
 */

/** A run's stored data cannot be read. */
export class DamagedData extends Error {
  /** The run. */
  readonly workflowId: string;
  /** What cannot be read: `record`, `input`, `result`, `history entry 4`, ... */
  readonly part: string;
  /** What is wrong with it. */
  readonly problem: string;

  /**
   * Creates the error.
   *
   * @param workflowId The run.
   * @param part What cannot be read.
   * @param problem What is wrong with it.
   */
  constructor(workflowId: string, part: string, problem: string) {
    super(`Stored data of workflow "${workflowId}" is unreadable: ${part}: ${problem}`);
    this.name = "DamagedData";
    this.workflowId = workflowId;
    this.part = part;
    this.problem = problem;
  }
}
