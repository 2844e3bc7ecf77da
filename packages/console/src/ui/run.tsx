import { render } from 'ink';
import type { AwsContext } from '../context.js';
import type { Deployment } from '../aws/names.js';
import { App } from './App.js';
import { appServices } from './services.js';

export interface RunAppOptions {
  /** How often the open source's targets are read again. */
  refreshMs?: number;
  /** How often their metrics are read again. */
  metricsRefreshMs?: number;
}

/** Opens the interactive app in the terminal; resolves when the user quits. */
export async function runApp(context: AwsContext, deployment: Deployment, options: RunAppOptions = {}): Promise<void> {
  const app = render(<App services={appServices(context, deployment)} colors={!process.env.NO_COLOR} {...options} />);
  await app.waitUntilExit();
}
