/**
 * Batches metric values into CloudWatch `Values`/`Counts` pairs, so the worker sends one PutMetricData per flush
 * interval instead of one per message. Pure (no SDK calls); the types are structurally those of PutMetricData.
 */

/** CloudWatch accepts at most 150 distinct values per datum. */
export const MAX_VALUES_PER_DATUM = 150;
/** CloudWatch accepts at most 1000 datums per PutMetricData call. */
export const MAX_DATUMS_PER_CALL = 1000;

export interface Dimension {
  Name: string;
  Value: string;
}

export interface BatchedDatum {
  MetricName: string;
  Dimensions: Dimension[];
  Timestamp: Date;
  Unit: "Seconds";
  Values: number[];
  Counts: number[];
}

/** Accumulates values (seconds), rounded to milliseconds so repeated durations share one Values entry. */
export class ValueBatch {
  private readonly counts = new Map<number, number>();
  private total = 0;

  add(value: number, count = 1): void {
    const key = Math.round(value * 1000) / 1000;
    this.counts.set(key, (this.counts.get(key) ?? 0) + count);
    this.total += count;
  }

  /** Number of samples held. */
  get sampleCount(): number {
    return this.total;
  }

  /** Returns the samples as datums (≤ 150 values each) and empties the batch. */
  drain(metricName: string, dimensions: Dimension[], timestamp: Date): BatchedDatum[] {
    const entries = [...this.counts.entries()].sort((a, b) => a[0] - b[0]);
    this.counts.clear();
    this.total = 0;
    const datums: BatchedDatum[] = [];
    for (let i = 0; i < entries.length; i += MAX_VALUES_PER_DATUM) {
      const chunk = entries.slice(i, i + MAX_VALUES_PER_DATUM);
      datums.push({
        MetricName: metricName,
        Dimensions: dimensions,
        Timestamp: timestamp,
        Unit: "Seconds",
        Values: chunk.map(([v]) => v),
        Counts: chunk.map(([, c]) => c),
      });
    }
    return datums;
  }

  /** Puts drained datums back (after a failed send), so the next flush retries them. */
  restore(datums: readonly BatchedDatum[]): void {
    for (const d of datums) d.Values.forEach((v, i) => this.add(v, d.Counts[i]));
  }
}

/** Splits datums into PutMetricData-sized groups. */
export function chunkDatums<T>(datums: readonly T[], size = MAX_DATUMS_PER_CALL): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < datums.length; i += size) out.push(datums.slice(i, i + size));
  return out;
}
