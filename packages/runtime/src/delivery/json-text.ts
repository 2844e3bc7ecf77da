/**
 * Whether bytes are one JSON text (RFC 8259), checked without parsing: collapse JSON checks every
 * record, and `JSON.parse` would build each record's objects only for the collector to take them
 * back. A text is copied into a WebAssembly module's memory, whose SIMD scan reads the long plain
 * runs of its strings 16 bytes a step (a copy costs a tenth of a scalar read of the same bytes).
 * Bytes of 0x80 and above are accepted inside strings and nowhere else, as JSON allows; whether
 * they are UTF-8 is the caller's question. Every read of the bytes is bounded by their end: one
 * read past it makes V8 compile every read of the loop for values that are not always bytes.
 */

import { PLAIN_RUN_WASM } from './plain-run-wasm.js';

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

/** A failed step: every step returns the index after what it read, or this. */
const INVALID = -1;

/** The closing byte of each open container, innermost last: one array kept between calls and grown as nesting needs, so that a check allocates nothing. */
let closers: Uint8Array = new Uint8Array(64);

const WASM_PAGE_BYTES = 65_536;

/**
 * What is used of WebAssembly's JavaScript API: TypeScript declares it with the DOM library only,
 * and @types/node 22 not at all. Declared here, beside its one use, so that every program that
 * compiles this module (the console's too) has it.
 */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => unknown;
  Instance: new (module: unknown) => { readonly exports: Record<string, unknown> };
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `pages` of 64 KiB; returns the former size in pages. */
  grow(pages: number): number;
}
const { WebAssembly: webAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

/** The WebAssembly scan of plain runs (plain-run.wat) and the memory it reads, which the text is copied into. */
interface PlainRunScan {
  memory: WasmMemory;
  /** The memory as bytes, made again when it grows. */
  bytes: Uint8Array;
}

/** Compiled at the first check: a function whose targets never check JSON never loads it. */
let scan: PlainRunScan | undefined;
/** Where the plain run from `at` ends (plain-run.wat's export): set with `scan`, before any text is read. */
let plainEnd: (at: number, end: number) => number;

function loadScan(): PlainRunScan {
  const instance = new webAssembly.Instance(new webAssembly.Module(Buffer.from(PLAIN_RUN_WASM, 'base64')));
  const exports = instance.exports as { memory: WasmMemory; plainEnd: typeof plainEnd };
  plainEnd = exports.plainEnd;
  return { memory: exports.memory, bytes: new Uint8Array(exports.memory.buffer) };
}

/** The scan's memory with the text in it: it grows to the largest text checked, and stays so. */
function copiedIntoScan(text: Uint8Array): Uint8Array {
  scan ??= loadScan();
  if (scan.bytes.length < text.length) {
    scan.memory.grow(Math.ceil((text.length - scan.bytes.length) / WASM_PAGE_BYTES));
    scan.bytes = new Uint8Array(scan.memory.buffer);
  }
  scan.bytes.set(text);
  return scan.bytes;
}

export function isJsonText(text: Uint8Array): boolean {
  return isJsonTextIn(copiedIntoScan(text), text.length);
}

/** Whether the first `end` bytes are one JSON text. */
function isJsonTextIn(bytes: Uint8Array, end: number): boolean {
  // the containers open
  let depth = 0;
  let at = skipSpace(bytes, 0, end);
  for (;;) {
    // a value starts at `at`
    if (at >= end) return false;
    const first = bytes[at]!;
    if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      const close = first === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      at = skipSpace(bytes, at + 1, end);
      if (at < end && bytes[at] === close) {
        at++;
      } else {
        if (depth === closers.length) closers = grown(closers);
        closers[depth++] = close;
        if (first === OPEN_BRACE && (at = member(bytes, at, end)) === INVALID) return false;
        continue;
      }
    } else if (first === QUOTE) {
      at = string(bytes, at + 1, end);
    } else if (first === MINUS || (first >= ZERO && first <= NINE)) {
      at = number(bytes, at, end);
    } else if (first === LOWER_T) {
      at = literal(bytes, at, end, TRUE);
    } else if (first === LOWER_F) {
      at = literal(bytes, at, end, FALSE);
    } else if (first === LOWER_N) {
      at = literal(bytes, at, end, NULL);
    } else {
      return false;
    }
    if (at === INVALID) return false;
    // after a value: the next of its container, the container's end, or the text's end
    for (;;) {
      at = skipSpace(bytes, at, end);
      if (depth === 0) return at === end;
      if (at >= end) return false;
      const next = bytes[at]!;
      const close = closers[depth - 1]!;
      if (next === COMMA) {
        at = skipSpace(bytes, at + 1, end);
        if (close === CLOSE_BRACE && (at = member(bytes, at, end)) === INVALID) return false;
        break;
      }
      if (next !== close) return false;
      depth--;
      at++;
    }
  }
}

/** Whether bytes are one JSON text that is an object. */
export function isJsonObjectText(text: Uint8Array): boolean {
  const bytes = copiedIntoScan(text);
  const end = text.length;
  const first = skipSpace(bytes, 0, end);
  return first < end && bytes[first] === OPEN_BRACE && isJsonTextIn(bytes, end);
}

function grown(array: Uint8Array): Uint8Array {
  const larger = new Uint8Array(array.length * 2);
  larger.set(array);
  return larger;
}

function skipSpace(bytes: Uint8Array, at: number, end: number): number {
  while (at < end) {
    const byte = bytes[at]!;
    if (byte !== SPACE && byte !== LINE_FEED && byte !== CARRIAGE_RETURN && byte !== TAB) break;
    at++;
  }
  return at;
}

/** An object member's name and colon, up to where its value starts. */
function member(bytes: Uint8Array, at: number, end: number): number {
  if (at >= end || bytes[at] !== QUOTE) return INVALID;
  at = stringAfterRun(bytes, at + 1, end);
  if (at === INVALID) return INVALID;
  at = skipSpace(bytes, at, end);
  if (at >= end || bytes[at] !== COLON) return INVALID;
  return skipSpace(bytes, at + 1, end);
}

/** The bytes a string holds as they are: all but the quote, the backslash and control characters. */
const PLAIN_IN_STRING = new Uint8Array(256).map((_, byte) => (byte >= SPACE && byte !== QUOTE && byte !== BACKSLASH ? 1 : 0));

/** A plain run longer than this is read by the WebAssembly scan; a shorter one a byte at a time, where a call into it would cost more. */
const BYTES_BEFORE_SCAN = 16;

/** A string's characters and closing quote, from after its opening quote. */
function string(bytes: Uint8Array, at: number, end: number): number {
  const runStart = at;
  while (at < end && PLAIN_IN_STRING[bytes[at]!] === 1 && at - runStart < BYTES_BEFORE_SCAN) at++;
  if (at - runStart === BYTES_BEFORE_SCAN) at = plainEnd(at, end);
  return stringAfterRun(bytes, at, end);
}

/** The rest of a string, a byte at a time: escapes, plain bytes, and the closing quote. */
function stringAfterRun(bytes: Uint8Array, at: number, end: number): number {
  for (;;) {
    while (at < end && PLAIN_IN_STRING[bytes[at]!] === 1) at++;
    if (at >= end) return INVALID;
    const byte = bytes[at]!;
    if (byte === QUOTE) return at + 1;
    if (byte !== BACKSLASH || at + 1 >= end) return INVALID;
    const escaped = bytes[at + 1]!;
    if (escaped === LOWER_U) {
      if (at + 5 >= end || !isHex(bytes[at + 2]!) || !isHex(bytes[at + 3]!) || !isHex(bytes[at + 4]!) || !isHex(bytes[at + 5]!)) return INVALID;
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

function isHex(byte: number): boolean {
  return (byte >= ZERO && byte <= NINE) || (byte >= UPPER_A && byte <= UPPER_F) || (byte >= LOWER_A && byte <= LOWER_F);
}

function digits(bytes: Uint8Array, at: number, end: number): number {
  const first = at;
  while (at < end && bytes[at]! >= ZERO && bytes[at]! <= NINE) at++;
  return at === first ? INVALID : at;
}

/** `-`? (`0` | a digit 1–9 and more digits), then an optional fraction and exponent. */
function number(bytes: Uint8Array, at: number, end: number): number {
  if (bytes[at] === MINUS) at++;
  if (at < end && bytes[at] === ZERO) at++;
  else if ((at = digits(bytes, at, end)) === INVALID) return INVALID;
  if (at < end && bytes[at] === DOT && (at = digits(bytes, at + 1, end)) === INVALID) return INVALID;
  if (at < end && (bytes[at] === LOWER_E || bytes[at] === UPPER_E)) {
    at++;
    if (at < end && (bytes[at] === PLUS || bytes[at] === MINUS)) at++;
    at = digits(bytes, at, end);
  }
  return at;
}

const TRUE = Uint8Array.of(0x74, 0x72, 0x75, 0x65);
const FALSE = Uint8Array.of(0x66, 0x61, 0x6c, 0x73, 0x65);
const NULL = Uint8Array.of(0x6e, 0x75, 0x6c, 0x6c);

function literal(bytes: Uint8Array, at: number, end: number, word: Uint8Array): number {
  if (at + word.length > end) return INVALID;
  for (let index = 0; index < word.length; index++) if (bytes[at + index] !== word[index]) return INVALID;
  return at + word.length;
}
