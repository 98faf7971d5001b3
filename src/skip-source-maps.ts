/**
 * Imported first by main.ts. tsx switches Node's source-map support on for the whole process, and Node then
 * decodes the inline source map of every module it loads, cdktf's and the provider classes' included (megabytes
 * for the providers). Measured here: 0.85 s -> 0.65 s and 195 -> 155 MiB for a synth of every stack, which keeps
 * `cdktf synth` within its time budget. The cost: a stack trace from a synth error points into the transpiled
 * code (same file names, lines close to the TypeScript) instead of the exact TypeScript position.
 */
process.setSourceMapsEnabled(false);
