/** One line of the benchmark table. `pair` groups a Tollgate row with its peer-library row. */
export interface BenchRow {
  name: string;
  opsPerSec: number;
  note?: string;
}
