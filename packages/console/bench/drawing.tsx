import { render } from 'ink-testing-library';
import { sourcesMatching, type DiscoveredSource } from '../src/app/sources.js';
import type { SourceLag } from '../src/app/source-lag.js';
import { SourcesTable } from '../src/ui/screens/SourcesScreen.js';
import { heapUsed, median, percentile, since } from '@fanout/testbed/bench';

/** A terminal of 100 columns (ink-testing-library's) with 40 lines for the list (below its column titles). */
const WIDTH = 100;
export const LIST_HEIGHT = 40;
const TITLES = 1;
/** Draws timed per list size, after as many untimed ones to warm the JIT up. */
const DRAWS = 30;
/** Typed into the filter one key at a time, as a person looking for one stream of many would. */
const TYPED = 'orders-42';
/** Times the filter is typed, after one untimed typing. */
const TYPINGS = 5;

const PREFIXES = ['orders', 'users', 'clicks', 'payments', 'audit'];
/** An hour of IteratorAge, a point a minute, for the sparklines of hooked sources. */
const ITERATOR_AGE = Array.from({ length: 60 }, (_, minute) => (minute * 37) % 1000);
const LAG: SourceLag = { origin: 'lambda', perMinute: ITERATOR_AGE, nowMs: ITERATOR_AGE.at(-1)!, shards: [] };

/** `total` sources as discovery returns them: streams and tables, some hooked, some with targets. */
export function syntheticSources(total: number): DiscoveredSource[] {
  return Array.from({ length: total }, (_, index) => {
    const kind = index % 5 === 4 ? 'dynamodb' : 'kinesis';
    const name = `${PREFIXES[index % PREFIXES.length]}-${index}`;
    const arn =
      kind === 'kinesis'
        ? `arn:aws:kinesis:us-east-1:123456789012:stream/${name}`
        : `arn:aws:dynamodb:us-east-1:123456789012:table/${name}/stream/2024-01-01T00:00:00.000`;
    return { kind, name, arn, hook: index % 7 === 0 ? 'enabled' : 'none', targets: { active: index % 3, all: index % 4 }, stuck: index % 11 === 0 ? 1 : 0, listed: true };
  });
}

const NOTICE = { loading: '', error: undefined, empty: 'no source' };

function screen(sources: readonly DiscoveredSource[], filter?: string) {
  return <SourcesTable sources={sources} selected={0} filter={filter} lagOf={() => LAG} notice={NOTICE} width={WIDTH} height={LIST_HEIGHT + TITLES} colors />;
}


/** One first draw of the screen, from nothing: milliseconds, and the frame it drew. */
function drawOnce(sources: readonly DiscoveredSource[]): { ms: number; frame: string } {
  const start = performance.now();
  const app = render(screen(sources));
  const drawn = since(start);
  const frame = app.lastFrame() ?? '';
  app.unmount();
  return { ms: drawn, frame };
}

export interface DrawingResults {
  /** Median first draw, by list size. */
  drawMs: { small: number; large: number };
  /** Lines of sources in the frame drawn with the large list. */
  rowsDrawn: number;
  /** A keystroke in the filter: the large list filtered and the result drawn; the median, and 9 in 10 as fast as this. */
  keystrokeMs: { median: number; ninetieth: number };
  /** Heap taken by the large list once drawn (garbage collected before and after). */
  heapBytes: number;
}

export function measureDrawing(smallCount: number, largeCount: number): DrawingResults {
  const small = syntheticSources(smallCount);
  const large = syntheticSources(largeCount);
  for (let draw = 0; draw < DRAWS; draw += 1) {
    drawOnce(small);
    drawOnce(large);
  }
  // interleaved, so that whatever else the machine does weighs on both sizes alike
  const smallMs: number[] = [];
  const largeMs: number[] = [];
  let frame = '';
  for (let draw = 0; draw < DRAWS; draw += 1) {
    smallMs.push(drawOnce(small).ms);
    const drawn = drawOnce(large);
    largeMs.push(drawn.ms);
    frame = drawn.frame;
  }
  const rowsDrawn = frame.split('\n').filter((line) => PREFIXES.some((prefix) => line.includes(`${prefix}-`))).length;

  const keystrokes: number[] = [];
  const app = render(screen(large, ''));
  for (let typing = 0; typing <= TYPINGS; typing += 1) {
    for (let typed = 1; typed <= TYPED.length; typed += 1) {
      const filter = TYPED.slice(0, typed);
      const start = performance.now();
      app.rerender(screen(sourcesMatching(large, filter), filter));
      if (typing > 0) keystrokes.push(since(start));
    }
    if (!app.lastFrame()?.includes(TYPED)) throw new Error(`the filtered screen does not show "${TYPED}":\n${app.lastFrame()}`);
    app.rerender(screen(large, ''));
  }
  app.unmount();

  return {
    drawMs: { small: median(smallMs), large: median(largeMs) },
    rowsDrawn,
    keystrokeMs: { median: median(keystrokes), ninetieth: percentile(keystrokes, 90) },
    heapBytes: heapOfDrawnList(largeCount),
  };
}

/** The heap a list of `total` sources holds once discovered and drawn, the screen still open. */
function heapOfDrawnList(total: number): number {
  const before = heapUsed();
  const sources = syntheticSources(total);
  const app = render(screen(sources));
  const after = heapUsed();
  app.unmount();
  return after - before;
}
