/**
 * Lambda's rules for an SQS event source mapping, as a pure module: the stack configures the mapping and the queue
 * with them, and the simulator can model the same mapping. Sources: the Lambda developer guide's SQS pages
 * ("Lambda parameters for Amazon SQS event source mappings", "Configuring maximum concurrency", and the visibility
 * timeout advice).
 */
import { MAX_VISIBILITY_TIMEOUT_SECONDS } from "./visibility-timeout";

/** Lambda's advice: the queue's visibility timeout at least six times the function's timeout. */
export const LAMBDA_VISIBILITY_FACTOR = 6;

/** The queue's visibility timeout for a function with this timeout: 6 × it, within SQS's 12 hours. */
export function visibilityTimeoutForFunction(functionTimeoutSeconds: number): number {
  return Math.min(MAX_VISIBILITY_TIMEOUT_SECONDS, LAMBDA_VISIBILITY_FACTOR * Math.ceil(functionTimeoutSeconds));
}

export interface SqsEventSourceShape {
  /** Records per invocation. */
  readonly batchSize: number;
  /** Seconds Lambda gathers records before invoking. */
  readonly batchingWindowSeconds: number;
  /** Concurrent invocations the mapping may start (ScalingConfig.MaximumConcurrency). */
  readonly maximumConcurrency: number;
  /** FIFO queues take batches of at most 10 and no batching window. */
  readonly fifo: boolean;
}

/** What Lambda would refuse, each naming the field, its value and what is allowed; empty when Lambda accepts it. */
export function sqsEventSourceProblems(shape: SqsEventSourceShape): string[] {
  const problems: string[] = [];
  const maxBatch = shape.fifo ? 10 : 10_000;
  if (!Number.isInteger(shape.batchSize) || shape.batchSize < 1 || shape.batchSize > maxBatch) {
    problems.push(`batchSize ${shape.batchSize} is invalid: expected an integer from 1 up to ${maxBatch}${shape.fifo ? " (FIFO queue)" : ""}`);
  }
  const window = shape.batchingWindowSeconds;
  if (!Number.isInteger(window) || window < 0 || window > 300) problems.push(`batchingWindowSeconds ${window} is invalid: expected an integer from 0 up to 300`);
  if (shape.fifo && window > 0) problems.push(`batchingWindowSeconds ${window} is invalid for a FIFO queue: expected 0`);
  if (!shape.fifo && shape.batchSize > 10 && window < 1) {
    problems.push(`batchSize ${shape.batchSize} needs a batching window: expected batchingWindowSeconds of at least 1 for batches over 10`);
  }
  const concurrency = shape.maximumConcurrency;
  if (!Number.isInteger(concurrency) || concurrency < 2 || concurrency > 1000) {
    problems.push(`maximumConcurrency ${concurrency} is invalid: expected an integer from 2 up to 1000`);
  }
  return problems;
}
