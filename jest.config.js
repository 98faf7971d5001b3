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
  // servers and timers (fauxqs, dynalite, the fault proxy, child processes), so more workers than cores still help.
  // Measured here, idle, `npm test` with the sequencer below: 3 workers 34.1 and 35.3 s, 4 workers 30.3, 32.3, 30.9
  // and 30.5 s, 5 workers 31.1 and 30.2 s.
  maxWorkers: 4,
  // Spreads the suites that mostly wait over the run (see the file).
  testSequencer: "<rootDir>/tools/jest-sequencer.js",
  testResultsProcessor: "<rootDir>/tools/jest-results-processor.js",
};
