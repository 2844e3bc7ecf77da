import { Box, Text, useInput } from 'ink';
import type { CounterFigures, TargetDetail } from '../../app/target-detail.js';
import { duration, statusCells } from '../../app/target-state.js';
import { Notice } from '../components/Notice.js';
import { Sparkline } from '../components/Sparkline.js';
import type { Loaded } from '../hooks/useLoad.js';
import { fit } from '../text.js';

export interface TargetDetailScreenProps {
  id: string;
  sourceName: string;
  detail: Loaded<TargetDetail>;
  onLog: () => void;
  onBack: () => void;
  isActive: boolean;
  width: number;
  height: number;
  colors: boolean;
}

/** The labels' column. */
const LABEL_WIDTH = 11;
/** The counters' sparklines. */
const SPARK_WIDTH = 16;

const COUNTER_COLOR = { delivered: 'green', failed: 'red', rejected: 'yellow' } as const;

function Field({ label, children, wrap = 'truncate-end' }: { label: string; children: React.ReactNode; wrap?: 'wrap' | 'truncate-end' }) {
  return (
    <Box>
      <Box width={LABEL_WIDTH} flexShrink={0}>
        <Text dimColor>{label}</Text>
      </Box>
      <Box flexGrow={1}>
        <Text wrap={wrap}>{children}</Text>
      </Box>
    </Box>
  );
}

function storeText({ store }: TargetDetail): string {
  if (!store) return 'none (no onFailure, and no FAILURE_STORE on the function)';
  const held = store.count === undefined ? (store.kind === 'sns' ? 'a topic keeps nothing to count' : 'absent') : `${store.count} held${store.of === 'store' ? ' (the whole queue)' : ''}`;
  return `${held} · ${store.kind} ${store.from === 'target' ? "(the target's own)" : "(the function's)"} ${store.arn}`;
}

function stateText({ status }: TargetDetail, now: number): string {
  const cells = statusCells(status, now);
  return [
    cells.state === '-' ? 'not known (no progress table: deploy again)' : cells.state,
    status.since ? `since ${status.since}` : '',
    status.behindSeconds !== undefined ? `behind ${duration(status.behindSeconds)}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The row's fields other than those shown above, as stored. */
const SHOWN_FIELDS = new Set(['id', 'type', 'destination', 'sourceArn', 'active']);

/**
 * One target in full: its destination whole, whether it is on, its state and last error,
 * delivered / failed / rejected records in the last minute and over the hour (numbers and
 * sparklines), its failure store and what it holds, and every other field of its row.
 */
export function TargetDetailScreen({ id, sourceName, detail, onLog, onBack, isActive, width, colors }: TargetDetailScreenProps) {
  useInput(
    (input, key) => {
      if (key.escape) onBack();
      else if (input === 'l') onLog();
      else if (input === 'r') void detail.reload();
    },
    { isActive },
  );
  const shown = detail.value;
  if (!shown) {
    return <Notice loading={detail.error ? '' : `loading… target ${id} of ${sourceName}`} error={detail.error ? `could not read target ${id}: ${detail.error}` : undefined} empty="" />;
  }
  const counter = (name: keyof typeof COUNTER_COLOR, figures: CounterFigures) => (
    <Field label={name}>
      {`${String(figures.lastMinute).padStart(6)}/min  ${String(figures.total).padStart(7)} in the hour `}
      {width >= 60 ? <Sparkline values={figures.perMinute} width={Math.min(SPARK_WIDTH, Math.max(0, width - LABEL_WIDTH - 32))} color={colors ? COUNTER_COLOR[name] : undefined} /> : null}
    </Field>
  );
  const others = Object.entries(shown.row).filter(([field]) => !SHOWN_FIELDS.has(field));
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {id} <Text dimColor>({String(shown.row.type ?? '?')}) of {sourceName}</Text>
      </Text>
      <Field label="destination" wrap="wrap">
        {shown.destination}
      </Field>
      <Field label="active">{shown.row.active === true ? 'yes' : 'no'}</Field>
      <Field label="state">{stateText(shown, Date.now())}</Field>
      <Field label="last error" wrap="wrap">
        {shown.status.lastError ?? 'none'}
      </Field>
      {counter('delivered', shown.delivered)}
      {counter('failed', shown.failed)}
      {counter('rejected', shown.rejected)}
      <Field label="store" wrap="wrap">
        {storeText(shown)}
      </Field>
      {shown.problems.length > 0 ? <Field label="invalid">{shown.problems.join('; ')}</Field> : null}
      {others.map(([field, value]) => (
        <Field key={field} label={fit(field, LABEL_WIDTH - 1)}>
          {typeof value === 'string' ? value : JSON.stringify(value)}
        </Field>
      ))}
    </Box>
  );
}
