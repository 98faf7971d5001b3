// Jest's testResultsProcessor: hands jest's own aggregated counts to .ci/run (through JEST_RESULTS_FILE), so the
// CI summary line comes from jest's results rather than from parsing its console output.
const fs = require("node:fs");

module.exports = (results) => {
  const file = process.env.JEST_RESULTS_FILE;
  if (file) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numTotalTests, numFailedTestSuites, numRuntimeErrorTestSuites } = results;
    fs.writeFileSync(
      file,
      JSON.stringify({ numPassedTests, numFailedTests, numPendingTests, numTodoTests, numTotalTests, numFailedTestSuites, numRuntimeErrorTestSuites }),
    );
  }
  return results;
};
