// A jest reporter that ends the run with one plain line, "tests: N passed, N failed, N skipped",
// and, when CUOTA_TEST_SUMMARY names a file, writes the counts there as JSON for .ci/run to add up.
import { writeFileSync } from 'node:fs';

export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `tests: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests + results.numTodoTests} skipped`;
    console.log(`\n${line}`);
    if (process.env.CUOTA_TEST_SUMMARY) {
      writeFileSync(
        process.env.CUOTA_TEST_SUMMARY,
        JSON.stringify({
          passed: results.numPassedTests,
          failed,
          skipped: results.numPendingTests + results.numTodoTests,
        }),
      );
    }
  }
}
