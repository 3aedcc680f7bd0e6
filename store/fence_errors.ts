/**
 * What the store answers to an owner whose partitions changed hands: a commit for a partition it
 * gave up, and a commit after another process took one over.
 *
 * @module
 */

/** A transition of a run whose partition this owner does not hold (it gave it up). */
export class PartitionNotHeld extends Error {
  /**
   * Creates the error.
   *
   * @param workflowId The run.
   * @param partition Its partition.
   */
  constructor(workflowId: string, partition: number) {
    super(
      `Workflow "${workflowId}" is in partition ${partition}, which this process no longer owns`,
    );
    this.name = "PartitionNotHeld";
  }
}

/** The owner lost its lease: another process owns the partition now. */
export class FenceLost extends Error {
  /** The partitions found taken over. */
  readonly partitions: number[];
  /**
   * Creates the error.
   *
   * @param partitions The partitions found taken over.
   */
  constructor(partitions: number[]) {
    super(
      `The owner lease of partition${partitions.length === 1 ? "" : "s"} ${
        partitions.join(", ")
      } was taken over by another process`,
    );
    this.name = "FenceLost";
    this.partitions = partitions;
  }
}
