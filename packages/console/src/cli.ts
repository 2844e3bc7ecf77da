import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { COMMANDS } from './commands/index.js';
import { localGlobals, runLocalDemo } from './commands/local-demo.js';
import { uiCommand } from './commands/ui.js';
import { DEFAULT_LOCAL_ENDPOINT } from './aws/moto.js';
import { createContext, processTerminal, type GlobalOptions, type Terminal } from './context.js';
import { EXIT_OK, EXIT_USAGE, describeError, exitCodeOf } from './errors.js';
import { print, type Io } from './output.js';
import { oneLineParserError } from './parser-errors.js';
import { TARGET_TITLES } from './targets/destinations.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const DESCRIPTION =
  'Manage a fanout deployment: the function that copies every record of a Kinesis or DynamoDB stream to many targets ' +
  `(${TARGET_TITLES.join(', ')}), and the targets it delivers to.`;

function program(io: Io, terminal: Terminal, setExitCode: (code: number) => void): Command {
  // every command's: its errors in one line too
  const output = {
    writeOut: (text: string) => io.out(text.trimEnd()),
    writeErr: (text: string) => io.err(text.trimEnd()),
    outputError: (text: string) => io.err(oneLineParserError(text)),
  };
  const root = new Command('fanout-console')
    .description(DESCRIPTION)
    .version(version, '-v, --version')
    .option('--region <region>', 'the AWS region (default: AWS_REGION or your profile\'s)')
    .option('--profile <name>', 'a named profile from your AWS config and credentials files')
    .option('--endpoint-url <url>', 'send every AWS request to this endpoint (e.g. a local moto); AWS_ENDPOINT_URL works too')
    .option('--no-verify-ssl', 'do not verify TLS certificates of the endpoint')
    .option('--debug', 'log every AWS request and response to stderr', false)
    .option('--yes', 'never ask: confirm every question (for scripts)', false)
    .option('--local', `use a local AWS: --endpoint-url, else AWS_ENDPOINT_URL, else moto at ${DEFAULT_LOCAL_ENDPOINT}, in us-east-1 with made-up keys unless told; with no command: start moto if none answers, prepare a demo, run the function here and open the app`, false)
    .addOption(new Option('--output <format>', 'how to print results').choices(['table', 'json']).default('table'))
    .exitOverride()
    // each command's help lists these too, as the AWS CLI's does
    .configureHelp({ showGlobalOptions: true })
    .configureOutput(output);

  for (const definition of COMMANDS) {
    const command = root.command(definition.name).description(definition.description);
    definition.configure(command);
    command.exitOverride().configureOutput(output).action(async () => {
      const globals = localGlobals(root.opts<GlobalOptions>());
      const context = createContext(globals, io, terminal);
      const result = await definition.run(context, command.opts(), command.args);
      if (result) print(result, globals.output, io);
      setExitCode(EXIT_OK);
    });
  }

  // no command: `ui` with its defaults in a terminal (the demo with --local), the help elsewhere
  root.action(async () => {
    const globals = root.opts<GlobalOptions & { local: boolean }>();
    if (globals.local) return runLocalDemo(createContext(localGlobals(globals), io, terminal));
    if (!terminal.canDraw) {
      root.outputHelp();
      return;
    }
    await uiCommand.run(createContext(globals, io, terminal), {}, []);
  });
  return root;
}

/** Runs the console with these arguments; returns the exit code (0 done, 1 AWS error, 2 bad input). */
export async function run(argv: readonly string[], io: Io, terminal: Terminal = processTerminal): Promise<number> {
  let exitCode = EXIT_OK;
  const root = program(io, terminal, (code) => (exitCode = code));
  try {
    await root.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? EXIT_OK : EXIT_USAGE;
    }
    io.err(`fanout-console: ${describeError(error)}`);
    return exitCodeOf(error);
  }
}
