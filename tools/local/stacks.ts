/**
 * `npm run local -- --stack <name> [options]`: which stack's local run to start. Without --stack (or with the
 * blueprint's name) tools/local.ts runs the blueprint's own demo.
 */
export const LOCAL_RUNS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  "sqs-queue-depth-tracking": async () => (await import("./queue-depth-tracking")).runQueueDepthTrackingLocally,
  "sqs-scale-to-zero": async () => (await import("./scale-to-zero")).runScaleToZeroLocally,
  "sqs-task-per-message": async () => (await import("./task-per-message")).runTaskPerMessageLocally,
  "sqs-recursive-fanout": async () => (await import("./recursive-fanout")).runRecursiveFanoutLocally,
};

/**
 * The run asked for by `--stack NAME` / `--stack=NAME` and the remaining arguments; `run` is undefined for the
 * blueprint (no --stack, or its name), whose options are then `rest`.
 */
export function localStackRun(argv: string[]): { run?: () => Promise<number>; rest: string[] } {
  const index = argv.findIndex((a) => a === "--stack" || a.startsWith("--stack="));
  if (index === -1) return { rest: argv };
  const inline = argv[index].startsWith("--stack=");
  const name = inline ? argv[index].slice("--stack=".length) : argv[index + 1];
  const rest = [...argv.slice(0, index), ...argv.slice(index + (inline ? 1 : 2))];
  if (name === "sqs-dynamic-target-tracking") return { rest };
  const load = name === undefined ? undefined : LOCAL_RUNS[name];
  if (!load) {
    const allowed = ["sqs-dynamic-target-tracking", ...Object.keys(LOCAL_RUNS)].join(", ");
    return { rest, run: () => Promise.reject(new Error(`--stack=${name ?? ""} is invalid: expected one of ${allowed}`)) };
  }
  return { rest, run: async () => (await load())(rest) };
}
