import type { TestProject } from 'vitest/node';
import { startTestbed } from './testbed.js';

/** Starts every server once for the whole test run; tests read the endpoints with `inject('testbed')`. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const testbed = await startTestbed();
  project.provide('testbed', testbed.endpoints);
  return testbed.stop;
}
