import { uniqueName } from '@fanout/testbed';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { deployFanout } from '../../src/app/deploy.js';
import { hookSource } from '../../src/app/hooks.js';
import { deploymentOf } from '../../src/aws/names.js';
import { App } from '../../src/ui/App.js';
import { appServices } from '../../src/ui/services.js';
import { appContext } from '../support/app.js';
import { createStream } from '../support/destination-resources.js';
import { createTableWithOtherKeys, functionConfiguration, mappingsOf, role, table, useFreshRuntimeZip } from '../support/deployment.js';
import { KEYS, frameWhere, press } from '../support/ui.js';

useFreshRuntimeZip();
const context = appContext();

type App = ReturnType<typeof render>;
let app: App | undefined;

afterEach(() => {
  app?.unmount();
  app = undefined;
});

/** The app on a deployment, its sources and header loaded. */
async function openApp(functionName: string, state: string): Promise<App> {
  const opened = render(<App services={appServices(context, deploymentOf({ function: functionName }))} colors={false} />);
  app = opened;
  await frameWhere(opened.lastFrame, (frame) => frame.includes(`function ${functionName} (${state})`) && !frame.includes('loading…'), `the sources, ${functionName} ${state}`);
  return opened;
}

/** Waits for the deploy or destroy to end (it makes or deletes real resources: give it time). */
const ended = (opened: App, ending: string) =>
  frameWhere(opened.lastFrame, (frame) => frame.includes(`${ending} · Esc to go back`), `"${ending}"`);

/** The line of a step: its mark, its name, its outcome. */
const stepLine = (mark: '✓' | '✗', name: string, outcome: string) => new RegExp(`^${mark} ${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}  ${outcome}`, 'm');

describe('deploy and destroy in the app', () => {
  it('deploys on d and y, a spinner and then ✓ and its outcome per step, staying on the steps until Esc', async () => {
    const functionName = uniqueName('ui-deploy');
    const opened = await openApp(functionName, 'absent');

    await press(opened, 'd');
    await frameWhere(opened.lastFrame, (frame) => frame.includes(`Deploy ${functionName} (create or update its role, tables, store, function and policy)? [y/N]`), 'the question');
    await press(opened, 'y');
    // a step running: Esc does not leave while the steps run
    await frameWhere(opened.lastFrame, (frame) => frame.includes(`Deploying ${functionName}`) && frame.includes('Esc goes back once the steps have finished'), 'the running steps');
    await press(opened, KEYS.escape);
    const frame = await ended(opened, `✓ ${functionName} deployed`);
    expect(frame).toContain(`Deploying ${functionName}`);
    // while it ran, each step had ink-spinner's dots beside it
    for (const step of [`role ${functionName}Role`, `function ${functionName}`]) {
      expect(opened.frames.some((drawn) => new RegExp(`^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] ${step} *$`, 'm').test(drawn)), `a spinner beside ${step}`).toBe(true);
    }
    expect(frame).toMatch(stepLine('✓', `role ${functionName}Role`, 'created'));
    expect(frame).toMatch(stepLine('✓', `table ${functionName}Targets`, 'created'));
    expect(frame).toMatch(stepLine('✓', `function ${functionName}`, 'created'));
    expect(frame).toMatch(stepLine('✓', `policy ${functionName}Role/fanout`, 'created'));

    expect(await role(`${functionName}Role`)).toBeDefined();
    expect(await table(`${functionName}Targets`)).toMatchObject({ TableStatus: 'ACTIVE' });
    expect(await functionConfiguration(functionName)).toMatchObject({ FunctionName: functionName, Role: expect.stringContaining(`role/${functionName}Role`) });

    // back on the sources, the header read again
    await press(opened, KEYS.escape);
    const back = await frameWhere(opened.lastFrame, (text) => text.includes(`function ${functionName} (Active)`) && text.includes('SOURCE'), 'the sources again');
    expect(back).toContain(`${functionName} deployed`);
  });

  it('destroys on X what is chosen: the function, its hooks and the table, keeping the role', async () => {
    const functionName = uniqueName('ui-destroy');
    const deployment = deploymentOf({ function: functionName });
    await deployFanout(context, deployment);
    const stream = await createStream();
    await hookSource(context, deployment, stream.arn);
    const opened = await openApp(functionName, 'Active');

    await press(opened, 'X');
    const question = await frameWhere(opened.lastFrame, (frame) => frame.includes(`Destroy ${functionName}: delete what?`), 'the choices');
    // the least harm is chosen first: cancel
    expect(question).toMatch(/❯ cancel/);
    await press(opened, KEYS.up, KEYS.up);
    await frameWhere(opened.lastFrame, (frame) => /❯ … and the targets table/.test(frame), 'the table chosen');
    await press(opened, KEYS.enter);
    const frame = await ended(opened, `✓ ${functionName} destroyed`);
    expect(frame).toContain(`Destroying ${functionName}`);
    expect(frame).toMatch(stepLine('✓', `mapping ${stream.arn}`, 'deleted'));
    expect(frame).toMatch(stepLine('✓', `function ${functionName}`, 'deleted'));
    expect(frame).toMatch(stepLine('✓', `table ${functionName}Targets`, 'deleted'));
    expect(frame).not.toContain(`role ${functionName}Role`);

    expect(await mappingsOf(functionName)).toEqual([]);
    expect(await functionConfiguration(functionName)).toBeUndefined();
    expect(await table(`${functionName}Targets`)).toBeUndefined();
    expect(await role(`${functionName}Role`)).toBeDefined();

    await press(opened, KEYS.escape);
    await frameWhere(opened.lastFrame, (text) => text.includes(`function ${functionName} (absent)`) && text.includes('SOURCE'), 'the sources, the function gone');
  });

  it('deletes and deploys nothing when cancelled or answered no', async () => {
    const functionName = uniqueName('ui-cancel');
    const deployment = deploymentOf({ function: functionName });
    await deployFanout(context, deployment);
    const opened = await openApp(functionName, 'Active');

    await press(opened, 'X');
    await frameWhere(opened.lastFrame, (frame) => frame.includes('❯ cancel'), 'the choices');
    await press(opened, KEYS.enter);
    await frameWhere(opened.lastFrame, (frame) => frame.includes('nothing deleted') && frame.includes('SOURCE'), 'cancelled');
    await press(opened, 'X', KEYS.up, KEYS.escape);
    await frameWhere(opened.lastFrame, (frame) => frame.includes('nothing deleted') && frame.includes('SOURCE'), 'cancelled with Esc');

    await press(opened, 'd', 'n');
    await frameWhere(opened.lastFrame, (frame) => frame.includes('nothing changed'), 'deploy answered no');
    expect(opened.lastFrame()).not.toContain('Deploying');

    expect(await functionConfiguration(functionName)).toBeDefined();
    expect(await table(`${functionName}Targets`)).toBeDefined();
    expect(await role(`${functionName}Role`)).toBeDefined();
  });

  it('shows the step that fails with ✗ and its error, stops there, and keeps running', async () => {
    const functionName = uniqueName('ui-deploy-fails');
    // a table of that name with other keys: deploy refuses to use it as the targets table
    await createTableWithOtherKeys(`${functionName}Targets`);
    const opened = await openApp(functionName, 'absent');

    await press(opened, 'd', 'y');
    const frame = await ended(opened, `✗ deploy stopped: table ${functionName}Targets failed`);
    expect(frame).toMatch(stepLine('✓', `role ${functionName}Role`, 'created'));
    // the error on the step's line, cut to the width
    expect(frame).toMatch(stepLine('✗', `table ${functionName}Targets`, `--table: table ${functionName}Targets exists with.*…$`));
    expect(frame).not.toContain(`function ${functionName}  `);
    // the error in the status line too, on one line
    expect(frame).toMatch(new RegExp(`^✗ --table: table ${functionName}Targets exists with other keys`, 'm'));
    expect(await functionConfiguration(functionName)).toBeUndefined();

    await press(opened, KEYS.escape);
    await frameWhere(opened.lastFrame, (text) => text.includes(`function ${functionName} (absent)`) && text.includes('SOURCE'), 'the sources again');
    await press(opened, '?');
    await frameWhere(opened.lastFrame, (text) => text.includes('destroy the function'), 'the help, the app still running');
  });
});
