/**
 * The worker process of `npm run chaos`: the container's worker (run.ts) with the default sleep processor, wrapped
 * so that every completed job appends its id and the time to CHAOS_RECORD_FILE before the worker deletes the message. Appended
 * synchronously, so the line is in the file even when a SIGKILL follows at once: the harness counts from it what
 * was processed, and what was processed twice. Also the example of embedding the worker with a processor of one's
 * own (see processor.ts).
 */
// First, as in main.ts: a stop signal while the rest loads exits 0.
import "../../app-code/worker/src/exit-while-loading";
import { appendFileSync } from "node:fs";
import { WorkMessage } from "../../app-code/shared/work-message";
import { Processor } from "../../app-code/worker/src/processor";
import { createSleepProcessor } from "../../app-code/worker/src/processors/sleep";
import { runWorkerProcess } from "../../app-code/worker/src/run";

const recordFile = process.env.CHAOS_RECORD_FILE;
if (!recordFile) {
  console.error("CHAOS_RECORD_FILE is required");
  process.exit(1);
}

void runWorkerProcess((setup): Processor<WorkMessage> => {
  const sleep = createSleepProcessor(setup);
  return {
    ...sleep,
    name: "sleep (recorded)",
    async process(job, ctx) {
      await sleep.process(job, ctx);
      appendFileSync(recordFile, `${job.id} ${Date.now()}\n`);
    },
  };
});
