/** Container entry point: the worker with the processor `WORKER_PROCESSOR` names (see processor.ts and run.ts). */
import { runWorkerProcess } from "./run";

void runWorkerProcess();
