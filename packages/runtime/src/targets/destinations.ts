/** Pieces shared by the destination parsers of the target types. */

export const ARN_PARTITION = 'arn:aws[a-z-]*';
export const REGION_PART = '([a-z]{2}(?:-[a-z]+)+-\\d+)';
export const ACCOUNT_PART = '(\\d{12})';

/** Parses an http(s) URL; throws with `what` in the message when it is not one. */
export function parseHttpUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not a URL (${what})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${raw}" is not an http(s) URL (${what})`);
  return url;
}

/** `host:port`, with a port from 1 to 65535. */
export function parseHostPort(raw: string): { host: string; port: number } {
  const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(raw.trim());
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65_535) throw new Error(`"${raw}" is not host:port`);
  return { host: match[1]!, port };
}
