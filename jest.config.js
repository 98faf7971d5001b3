/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // swc strips types only; tsc, beside jest in `npm test` (tools/test.sh), type-checks the whole tree once.
  transform: { "^.+\\.tsx?$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  testTimeout: 30000,
  // Jest's default is one worker fewer than the cores: a single worker on a 2-core machine. Many suites wait on real
  // servers and timers (fauxqs, dynalite, the fault proxy, child processes), so more workers than cores still help:
  // measured here, idle, 125 files, jest alone: 2 workers 47.0 s, 3 workers 35.5 s, 4 workers 37.1 s.
  maxWorkers: 3,
  // Spreads the suites that mostly wait over the run (see the file).
  testSequencer: "<rootDir>/tools/jest-sequencer.js",
  testResultsProcessor: "<rootDir>/tools/jest-results-processor.js",
};
