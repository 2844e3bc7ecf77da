/**
 * Whether bytes are one JSON text (RFC 8259), checked in place: collapse JSON checks every record,
 * and `JSON.parse` would build each record's objects only for the collector to take them back.
 * Bytes of 0x80 and above are accepted inside strings and nowhere else, as JSON allows; whether
 * they are UTF-8 is the caller's question.
 */

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_A = 0x41;
const UPPER_E = 0x45;
const UPPER_F = 0x46;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_A = 0x61;
const LOWER_B = 0x62;
const LOWER_E = 0x65;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_R = 0x72;
const LOWER_T = 0x74;
const LOWER_U = 0x75;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

/** A failed step: every step returns the index after what it read, or this. */
const INVALID = -1;

const OBJECT = 1;
const ARRAY = 2;

export function isJsonText(bytes: Uint8Array): boolean {
  const end = bytes.length;
  const words = wordsOf(bytes);
  // the open containers, innermost last
  const open: number[] = [];
  let at = skipSpace(bytes, 0);
  for (;;) {
    // a value starts at `at`
    const first = bytes[at];
    if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      const close = first === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      at = skipSpace(bytes, at + 1);
      if (bytes[at] === close) {
        at++;
      } else {
        open.push(first === OPEN_BRACE ? OBJECT : ARRAY);
        if (first === OPEN_BRACE && (at = member(bytes, at)) === INVALID) return false;
        continue;
      }
    } else if (first === QUOTE) {
      at = string(bytes, at + 1, words);
    } else if (first === MINUS || (first !== undefined && first >= ZERO && first <= NINE)) {
      at = number(bytes, at);
    } else if (first === LOWER_T) {
      at = literal(bytes, at, TRUE);
    } else if (first === LOWER_F) {
      at = literal(bytes, at, FALSE);
    } else if (first === LOWER_N) {
      at = literal(bytes, at, NULL);
    } else {
      return false;
    }
    if (at === INVALID) return false;
    // after a value: the next of its container, the container's end, or the text's end
    for (;;) {
      at = skipSpace(bytes, at);
      if (open.length === 0) return at === end;
      const container = open[open.length - 1];
      const next = bytes[at];
      if (next === COMMA) {
        at = skipSpace(bytes, at + 1);
        if (container === OBJECT && (at = member(bytes, at)) === INVALID) return false;
        break;
      }
      if (next !== (container === OBJECT ? CLOSE_BRACE : CLOSE_BRACKET)) return false;
      open.pop();
      at++;
    }
  }
}

/** Whether bytes are one JSON text that is an object. */
export function isJsonObjectText(bytes: Uint8Array): boolean {
  return bytes[skipSpace(bytes, 0)] === OPEN_BRACE && isJsonText(bytes);
}

function skipSpace(bytes: Uint8Array, at: number): number {
  let byte = bytes[at];
  while (byte === SPACE || byte === LINE_FEED || byte === CARRIAGE_RETURN || byte === TAB) byte = bytes[++at];
  return at;
}

/** An object member's name and colon, up to where its value starts. */
function member(bytes: Uint8Array, at: number): number {
  if (bytes[at] !== QUOTE) return INVALID;
  at = string(bytes, at + 1, undefined);
  if (at === INVALID) return INVALID;
  at = skipSpace(bytes, at);
  if (bytes[at] !== COLON) return INVALID;
  return skipSpace(bytes, at + 1);
}

/** The bytes a string holds as they are: all but the quote, the backslash and control characters. */
const PLAIN_IN_STRING = new Uint8Array(256).map((_, byte) => (byte >= SPACE && byte !== QUOTE && byte !== BACKSLASH ? 1 : 0));

const ONES = 0x01010101;
const HIGH_BITS = 0x80808080;

/**
 * Whether none of a word's four bytes ends a string's plain run: no control character (below
 * 0x20), quote or backslash. The classic tests for a byte below n, and for a zero byte in the
 * word xor the byte repeated, share their last step: a byte's high bit is set in the xors' inverse
 * where it is in the word's, so the three differences are masked by the word's inverse once. A
 * byte of 0x80 and above is plain.
 */
function allPlain(word: number): boolean {
  return (((word - ONES * SPACE) | ((word ^ (ONES * QUOTE)) - ONES) | ((word ^ (ONES * BACKSLASH)) - ONES)) & ~word & HIGH_BITS) === 0;
}

/** Texts shorter than this are read a byte at a time: a view of their words costs more than it saves. */
const MIN_WORDS_BYTES = 64;

/** The aligned words of the bytes, where a string's plain run is read four bytes at a time, and the index of the first. */
interface Words {
  view: Uint32Array;
  start: number;
}

function wordsOf(bytes: Uint8Array): Words | undefined {
  if (bytes.length < MIN_WORDS_BYTES) return undefined;
  const start = (4 - (bytes.byteOffset & 3)) & 3;
  return { view: new Uint32Array(bytes.buffer, bytes.byteOffset + start, (bytes.length - start) >> 2), start };
}

/** A string's characters and closing quote, from after its opening quote. */
function string(bytes: Uint8Array, at: number, words: Words | undefined): number {
  for (;;) {
    if (words) {
      // a byte at a time to a word's start, then a word at a time: the loop that runs over most of a record
      const { view, start } = words;
      while (((at - start) & 3) !== 0 && PLAIN_IN_STRING[bytes[at]!] === 1) at++;
      if (((at - start) & 3) === 0 && at >= start) {
        let word = (at - start) >> 2;
        while (word < view.length && allPlain(view[word]!)) word++;
        at = start + word * 4;
      }
    }
    while (PLAIN_IN_STRING[bytes[at]!] === 1) at++;
    const byte = bytes[at];
    if (byte === QUOTE) return at + 1;
    if (byte !== BACKSLASH) return INVALID;
    const escaped = bytes[at + 1];
    if (escaped === LOWER_U) {
      if (!isHex(bytes[at + 2]) || !isHex(bytes[at + 3]) || !isHex(bytes[at + 4]) || !isHex(bytes[at + 5])) return INVALID;
      at += 6;
    } else if (
      escaped === QUOTE ||
      escaped === BACKSLASH ||
      escaped === SLASH ||
      escaped === LOWER_B ||
      escaped === LOWER_F ||
      escaped === LOWER_N ||
      escaped === LOWER_R ||
      escaped === LOWER_T
    ) {
      at += 2;
    } else {
      return INVALID;
    }
  }
}

function isHex(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= ZERO && byte <= NINE) || (byte >= UPPER_A && byte <= UPPER_F) || (byte >= LOWER_A && byte <= LOWER_F));
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= ZERO && byte <= NINE;
}

function digits(bytes: Uint8Array, at: number): number {
  if (!isDigit(bytes[at])) return INVALID;
  while (isDigit(bytes[++at]));
  return at;
}

/** `-`? (`0` | a digit 1–9 and more digits), then an optional fraction and exponent. */
function number(bytes: Uint8Array, at: number): number {
  if (bytes[at] === MINUS) at++;
  if (bytes[at] === ZERO) at++;
  else if ((at = digits(bytes, at)) === INVALID) return INVALID;
  if (bytes[at] === DOT && (at = digits(bytes, at + 1)) === INVALID) return INVALID;
  const exponent = bytes[at];
  if (exponent === LOWER_E || exponent === UPPER_E) {
    at++;
    if (bytes[at] === PLUS || bytes[at] === MINUS) at++;
    at = digits(bytes, at);
  }
  return at;
}

function literal(bytes: Uint8Array, at: number, word: readonly number[]): number {
  for (const byte of word) if (bytes[at++] !== byte) return INVALID;
  return at;
}
