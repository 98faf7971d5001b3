/**
 * The fault scenarios of issue 14, in two sizes: `full` (`npm run chaos`, the setup: three workers of
 * concurrency 5, ten FIFO groups, visibility timeout 5 s, maxReceiveCount 3, 8 s faults) and `short` (the jest
 * suite: two workers, a few dozen messages, 1 s faults). Same code, same assertions; only the numbers differ.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { uniform } from "../simulator/random";
import { FaultContext, Scenario } from "./harness";
import { FaultMode } from "./proxy";

export type ScenarioSize = "full" | "short";

interface Sizes {
  messages: number;
  workers: number;
  durationSeconds: [number, number];
  visibilityTimeoutSeconds: number;
  /** When the fault starts, after the workers are started. */
  faultStartSeconds: number;
  faultSeconds: number;
  storm: number;
  stormGapSeconds: [number, number];
  stopTimeoutSeconds: number;
  timeoutSeconds: number;
  badBodies: number;
}

const SIZES: Record<ScenarioSize, Sizes> = {
  full: {
    messages: 1000,
    workers: 3,
    durationSeconds: [0.05, 0.3],
    visibilityTimeoutSeconds: 5,
    faultStartSeconds: 1.5,
    faultSeconds: 8,
    storm: 15,
    stormGapSeconds: [0.5, 2],
    stopTimeoutSeconds: 10,
    timeoutSeconds: 180,
    badBodies: 40,
  },
  short: {
    // Enough work (80 × 0.2 s over 10 slots) to outlast the fault, so the fault meets messages in hand.
    messages: 80,
    workers: 2,
    durationSeconds: [0.1, 0.3],
    visibilityTimeoutSeconds: 2,
    faultStartSeconds: 0.2,
    faultSeconds: 1,
    storm: 3,
    stormGapSeconds: [0.2, 0.5],
    stopTimeoutSeconds: 2,
    timeoutSeconds: 20,
    badBodies: 8,
  },
};

/** Proxy in `mode` for the fault window, then back to pass. */
function window(size: Sizes, mode: FaultMode) {
  return async ({ proxy, recovered }: FaultContext) => {
    await sleep(size.faultStartSeconds * 1000);
    await proxy.setMode(mode);
    await sleep(size.faultSeconds * 1000);
    await proxy.setMode("pass");
    recovered();
  };
}

/** `count` signals to random workers at random gaps, stopping early once everything is processed. */
function storm(size: Sizes, act: (ctx: FaultContext, worker: number) => Promise<void>) {
  return async (ctx: FaultContext) => {
    await sleep(size.faultStartSeconds * 1000);
    for (let i = 0; i < size.storm && !ctx.drained(); i++) {
      await act(ctx, Math.floor(ctx.random() * ctx.pool.size));
      await sleep(uniform(ctx.random, ...size.stormGapSeconds) * 1000);
    }
  };
}

export function chaosScenarios(sizeName: ScenarioSize): Scenario[] {
  const size = SIZES[sizeName];
  const base = {
    messages: size.messages,
    badBodies: 0,
    workers: size.workers,
    concurrency: 5,
    durationSeconds: size.durationSeconds,
    visibilityTimeoutSeconds: size.visibilityTimeoutSeconds,
    maxReceiveCount: 3,
    stopTimeoutSeconds: size.stopTimeoutSeconds,
    timeoutSeconds: size.timeoutSeconds,
  };
  const window$ = `${size.faultSeconds} s`;
  return [
    {
      ...base,
      name: "refuse",
      description: `the endpoint refuses connections for ${window$}`,
      fault: window(size, "refuse"),
    },
    {
      ...base,
      name: "hang",
      description: `the endpoint accepts connections and never answers for ${window$}; those connections stay dead`,
      // The short run cannot wait out the default request timeout (wait + 10 s).
      env: sizeName === "short" ? { RECEIVE_WAIT_SECONDS: "0", SQS_REQUEST_TIMEOUT_SECONDS: "0.5" } : undefined,
      fault: window(size, "hang"),
    },
    {
      ...base,
      name: "reset",
      description: `for ${window$} the connections are reset (RST) in bursts`,
      fault: async ({ proxy, random, recovered }) => {
        await sleep(size.faultStartSeconds * 1000);
        const end = performance.now() + size.faultSeconds * 1000;
        while (performance.now() < end) {
          await proxy.setMode("reset");
          await sleep(uniform(random, 0.05, 0.3) * 1000);
          await proxy.setMode("pass");
          await sleep(uniform(random, 0.05, 0.3) * 1000);
        }
        recovered();
      },
    },
    {
      ...base,
      name: "sigkill",
      description: `${size.storm} SIGKILLs of random workers, each restarted at once (its messages wait out the visibility timeout)`,
      fault: storm(size, (ctx, i) => ctx.pool.kill(i)),
    },
    {
      ...base,
      name: "sigterm",
      description: `${size.storm} SIGTERMs of random workers, each drained, exited and restarted`,
      fault: storm(size, (ctx, i) => ctx.pool.terminate(i)),
    },
    {
      ...base,
      name: "bad-bodies",
      description: `${size.badBodies} hostile bodies among the valid ones (5,000-deep arrays, a 250 KB string, 1e309, not JSON …)`,
      badBodies: size.badBodies,
      fault: async () => undefined,
    },
  ];
}
