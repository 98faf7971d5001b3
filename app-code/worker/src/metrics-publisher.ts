import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { BatchedDatum, chunkDatums, Dimension, ValueBatch } from "../../shared/metric-batch";
import { Log } from "./log";

/** The one CloudWatch call the worker makes; a CloudWatchClient satisfies it. */
export interface MetricSender {
  send(command: PutMetricDataCommand): Promise<unknown>;
}

export interface MetricsPublisherOptions {
  cloudwatch: MetricSender;
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  flushSeconds: number;
  log: Log;
}

/**
 * Collects processing durations and sends them as Values/Counts every `flushSeconds` and at shutdown: one
 * PutMetricData per interval whatever the message rate. A failed send keeps the samples for the next flush.
 */
export class MetricsPublisher {
  private readonly batch = new ValueBatch();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** PutMetricData calls made (for the API budget). */
  calls = 0;
  /** Samples sent successfully. */
  published = 0;

  constructor(private readonly options: MetricsPublisherOptions) {}

  record(seconds: number): void {
    this.batch.add(seconds);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.flushSeconds * 1000);
    this.timer.unref();
  }

  /** Stops the timer and sends what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Sends the held samples; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.sendHeld());
    return this.flushing;
  }

  private async sendHeld(): Promise<void> {
    const samples = this.batch.sampleCount;
    if (samples === 0) return;
    const { namespace, metricName, dimensions, cloudwatch, log } = this.options;
    const datums = this.batch.drain(metricName, dimensions, new Date());
    const failed: BatchedDatum[] = [];
    for (const chunk of chunkDatums(datums)) {
      this.calls++;
      try {
        await cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: chunk }));
        this.published += chunk.reduce((n, d) => n + d.Counts.reduce((a, b) => a + b, 0), 0);
      } catch (err) {
        failed.push(...chunk);
        log.error("PutMetricData failed; samples kept for the next flush", { namespace, metricName, error: String(err) });
      }
    }
    this.batch.restore(failed);
    log.debug("metrics flushed", { samples, datums: datums.length });
  }
}
