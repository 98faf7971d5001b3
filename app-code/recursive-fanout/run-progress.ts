/**
 * Progress and completion of a fan-out run, from its counters and the queue. Pure: the CLI, the local run and
 * the simulator apply the same rule.
 *
 * Complete: completed + failed = discovered, and the queue has nothing visible, in flight or delayed. The queue
 * is shared by all runs, so a run is reported complete only once the queue is empty (conservative).
 */
import type { QueueCounts } from "../shared/queue-counts";

export interface RunCounters {
  /** Nodes claimed (each once, by a conditional put): the root plus every child posted. */
  discovered: number;
  /** Nodes processed to the end (marked done once). */
  completed: number;
  /** Nodes that failed their last attempt (they go to the DLQ). */
  failed: number;
  /** Children not posted because they would exceed the maximum depth. */
  pruned: number;
}

export type { QueueCounts };

export type RunState = "running" | "complete" | "stalled";

export interface RunProgress {
  state: RunState;
  /** Discovered nodes neither completed nor failed yet. */
  outstanding: number;
  /** (completed + failed) / discovered, 0..100. */
  percent: number;
  /** One sentence for a person. */
  summary: string;
}

export function runProgress(counters: RunCounters, queue: QueueCounts): RunProgress {
  const { discovered, completed, failed } = counters;
  const settled = completed + failed;
  const outstanding = discovered - settled;
  const queued = queue.visible + queue.inFlight + queue.delayed;
  const percent = discovered > 0 ? Math.min(100, (100 * settled) / discovered) : 0;
  const counts = `${completed} completed, ${failed} failed of ${discovered} discovered; queue: ${queue.visible} visible, ${queue.inFlight} in flight, ${queue.delayed} delayed`;
  if (queued > 0) return { state: "running", outstanding, percent, summary: `running: ${counts}` };
  if (outstanding === 0) return { state: "complete", outstanding, percent: 100, summary: `complete: ${counts}` };
  if (outstanding > 0) {
    return {
      state: "stalled",
      outstanding,
      percent,
      summary: `stalled: the queue is empty but ${outstanding} discovered node(s) neither completed nor failed (a worker died between marking a node done and counting it, or a node reached the DLQ uncounted); ${counts}`,
    };
  }
  return {
    state: "stalled",
    outstanding,
    percent,
    summary: `stalled: the queue is empty and ${-outstanding} more node(s) settled than were counted as discovered (a worker died between claiming children and counting them); ${counts}`,
  };
}
