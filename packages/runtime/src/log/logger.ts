/** JSON-lines logging. Payloads are logged only at debug level; credentials never. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const SEVERITY: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** One line to stdout, where Lambda takes a function's log (and its embedded metrics). */
export const writeStdoutLine = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

export function parseLogLevel(value: string | undefined): LogLevel | 'silent' {
  const level = value?.toLowerCase();
  return level && level in SEVERITY ? (level as LogLevel | 'silent') : 'info';
}

export function createLogger(
  options: { level?: LogLevel | 'silent'; write?: (line: string) => void; fields?: LogFields } = {},
): Logger {
  const threshold = SEVERITY[options.level ?? 'info'];
  const write = options.write ?? writeStdoutLine;
  const base = options.fields ?? {};
  const at =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}): void => {
      if (SEVERITY[level] < threshold) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields }, errorsAsText));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}
