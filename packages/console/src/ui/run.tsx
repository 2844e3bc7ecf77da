import { render } from 'ink';
import type { AwsContext } from '../context.js';
import type { Deployment } from '../aws/names.js';
import { App } from './App.js';
import { appServices } from './services.js';

/** Opens the interactive app in the terminal; resolves when the user quits. */
export async function runApp(context: AwsContext, deployment: Deployment): Promise<void> {
  const app = render(<App services={appServices(context, deployment)} colors={!process.env.NO_COLOR} />);
  await app.waitUntilExit();
}
