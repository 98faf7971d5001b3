/**
 * Imported first by every worker entry point. Loading the bundle (the SDK, the logger) takes a moment, longer on a
 * busy host; a SIGTERM then (a task stopped right after launch) would kill the process by the default signal action,
 * exit code 143 instead of 0. Nothing is in hand yet, so exiting 0 is right. run.ts replaces these handlers with the
 * worker's own as soon as it runs.
 */
export const exitWhileLoading = (): never => process.exit(0);

process.on("SIGTERM", exitWhileLoading);
process.on("SIGINT", exitWhileLoading);
