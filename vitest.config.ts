import { defineConfig } from 'vitest/config';
import { TEST_CEILING_MS, WAIT_CEILING_MS } from './packages/testbed/src/patience.js';

/**
 * Each package's tests, beside it in packages/<name>/test. Projects do not inherit the root's
 * options (inheriting would also start the test bed once per project), so they get these.
 */
const packageProject = (name: string, setupFiles: string[] = []) => ({
  test: {
    name,
    root: `./packages/${name}`,
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles,
    // ceilings, not budgets: every wait inside a test is for a condition
    testTimeout: TEST_CEILING_MS,
    hookTimeout: TEST_CEILING_MS,
    expect: { poll: { timeout: WAIT_CEILING_MS } },
  },
});

export default defineConfig({
  test: {
    projects: [
      packageProject('testbed'),
      packageProject('runtime', ['./test/support/aws-environment.ts']),
      packageProject('console', ['./test/support/aws-environment.ts']),
    ],
    // one test bed of real servers for the whole run, shared by every package's tests
    globalSetup: ['./packages/testbed/src/vitest-global-setup.ts'],
    reporters: ['default', './packages/testbed/src/vitest-summary-reporter.ts'],
  },
});
