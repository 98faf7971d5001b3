/**
 * Jest's order (failed first, then longest first, by the durations of the last run) with one change: the suites
 * that mostly wait (real servers, child processes, timers: app-code/, tools/local/, tools/chaos/) are spread over
 * the run instead of all starting together. Longest first put them side by side in every worker, and the 2 cores
 * sat nearly idle for seconds while the CPU-bound suites (synths, simulator, rules) queued behind them.
 *
 * The order comes from a dry run of the workers on the expected durations: a free worker takes the next waiting
 * suite only while fewer than `maxWaiting` workers run one (the waiting suites' share of the expected time, in
 * workers), else the next busy suite. Jest hands files to workers
 * in this order, so the real run follows the plan closely. Nothing here changes what runs, only when.
 */
const Sequencer = require("@jest/test-sequencer").default;

const WAITING = [/\/__tests__\/app-code\//, /\/__tests__\/tools\/(local|chaos)\//];

const isWaiting = (test) => WAITING.some((pattern) => pattern.test(test.path.split("\\").join("/")));

class SpreadWaitingSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.workers = Math.max(1, options?.globalConfig?.maxWorkers ?? 1);
  }

  sort(tests) {
    const ordered = super.sort(tests);
    const workers = this.workers;
    // Without timings (a first run) every file counts the same.
    const duration = (test) => test.duration ?? 1;
    const waiting = ordered.filter(isWaiting);
    const busy = ordered.filter((test) => !isWaiting(test));
    // Workers for the waiting suites: their share of the expected time, so both kinds end together.
    const total = (list) => list.reduce((sum, test) => sum + duration(test), 0);
    const share = total(waiting) / Math.max(1e-9, total(waiting) + total(busy));
    const maxWaiting = Math.min(Math.max(1, Math.round(workers * share)), Math.max(1, workers - 1));
    const lanes = Array.from({ length: Math.min(workers, ordered.length) }, () => ({ freeAt: 0, waiting: false }));
    const plan = [];
    while (waiting.length > 0 || busy.length > 0) {
      const lane = lanes.reduce((a, b) => (b.freeAt < a.freeAt ? b : a));
      const now = lane.freeAt;
      const waitingNow = lanes.filter((l) => l !== lane && l.waiting && l.freeAt > now).length;
      const takeWaiting = waiting.length > 0 && (waitingNow < maxWaiting || busy.length === 0);
      const test = takeWaiting ? waiting.shift() : busy.shift();
      lane.waiting = takeWaiting;
      lane.freeAt = now + duration(test);
      plan.push(test);
    }
    return plan;
  }
}

module.exports = SpreadWaitingSequencer;
