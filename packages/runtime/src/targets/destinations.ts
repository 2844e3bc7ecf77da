/** Pieces shared by the destination parsers of the target types. */

export const ARN_PARTITION = 'arn:aws[a-z-]*';
export const REGION_PART = '([a-z]{2}(?:-[a-z]+)+-\\d+)';
export const ACCOUNT_PART = '(\\d{12})';

/** A destination as it may be shown in a message or a log: without a password it may carry (user:pass@). */
export function redacted(raw: string): string {
  return raw.replace(/\/\/[^/@\s]*@/, '//***@');
}

/** Parses an http(s) URL; throws with `what` in the message when it is not one. */
export function parseHttpUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`"${redacted(raw)}" is not a URL (${what})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${redacted(raw)}" is not an http(s) URL (${what})`);
  return url;
}

/** `https://` before a bare host name, for destinations that may be given either way. */
export function withScheme(endpoint: string): string {
  return /^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`;
}

/** `host:port`, with a port from 1 to 65535. */
export function parseHostPort(raw: string): { host: string; port: number } {
  const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(raw.trim());
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65_535) throw new Error(`"${raw}" is not host:port`);
  return { host: match[1]!, port };
}
