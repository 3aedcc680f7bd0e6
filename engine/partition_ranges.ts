/**
 * Partition numbers written short, for people (the CLI's `stats`, the dashboard's `/stats`).
 * Imports nothing, so that the dashboard's browser bundle can take it alone.
 *
 * @module
 */

/**
 * Partitions as short ranges: `0-3, 8, 10-11`.
 *
 * @param partitions Partition numbers, sorted.
 * @returns The ranges, or `none`.
 */
export function partitionRanges(partitions: number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < partitions.length) {
    let j = i;
    while (j + 1 < partitions.length && partitions[j + 1] === (partitions[j] as number) + 1) j++;
    out.push(i === j ? `${partitions[i]}` : `${partitions[i]}-${partitions[j]}`);
    i = j + 1;
  }
  return out.length === 0 ? "none" : out.join(", ");
}
