/**
 * The argument parser's messages in the console's own one-line form, `--flag: what is wrong`:
 * commander writes `error: …` and a "Did you mean" hint on lines of their own.
 */
const FORMS: ReadonlyArray<[RegExp, (match: RegExpExecArray) => string]> = [
  [/^unknown option '([^']+)'$/, ([, flag]) => `${flag}: unknown option`],
  [/^required option '(--[\w-]+)[^']*' not specified$/, ([, flag]) => `${flag}: required; pass ${flag}`],
  [/^option '(--[\w-]+)[^']*' argument missing$/, ([, flag]) => `${flag}: expected a value after it`],
  [/^option '(--[\w-]+)[^']*' argument '([^']*)' is invalid\. ?(.*)$/, ([, flag, value, why]) => `${flag}: '${value}' is invalid${why ? `: ${lowerFirst(why.replace(/\.$/, ''))}` : ''}`],
  [/^option '(--[\w-]+)[^']*' cannot be used with option '(--[\w-]+)[^']*'$/, ([, flag, other]) => `${flag}: cannot be used with ${other}`],
  [/^missing required argument '([^']+)'$/, ([, name]) => `${name!.toUpperCase()}: missing; give it after the command`],
  // with no command named, the word is taken as the console's own argument, which it has none of
  [/^too many arguments\. Expected 0 arguments but got \d+: (\S+?)\.?$/, ([, word]) => `${word}: unknown command`],
  [/^too many arguments for '([^']+)'\. Expected (\d+) arguments? but got \d+: (.*?)\.?$/, ([, command, expected, extra]) => `${command}: takes ${expected === '0' ? 'no' : expected} argument${expected === '1' ? '' : 's'}, not ${extra}`],
];

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

export function oneLineParserError(text: string): string {
  const [first = '', ...rest] = text.trim().split('\n').map((line) => line.trim()).filter(Boolean);
  const message = first.replace(/^error: /, '');
  const form = FORMS.find(([pattern]) => pattern.test(message));
  const said = form ? form[1](form[0].exec(message)!) : message;
  const hint = rest.map((line) => /^\(Did you mean (.+)\?\)$/.exec(line)?.[1]).find((suggestion) => suggestion !== undefined);
  return `fanout-console: ${said}${hint ? `; did you mean ${hint}?` : ''} (--help lists what it takes)`;
}
