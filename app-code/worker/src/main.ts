/** Container entry point: the worker with the processor `WORKER_PROCESSOR` names (see processor.ts and run.ts). */
// First: a stop signal while the rest loads exits 0.
import "./exit-while-loading";
import { runWorkerProcess } from "./run";

void runWorkerProcess();
