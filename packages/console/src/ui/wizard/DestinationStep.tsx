import { Box, Text, useInput } from 'ink';
import TextInput from 'ink-text-input';
import type { DestinationChoice } from '../../app/destination-discovery.js';

/** Where the destination step is: the list, the destination typed by hand, the es index or the iot topic. */
export type DestinationPhase = 'pick' | 'manual' | 'index' | 'topic';

/** The list's entry that opens a text input. */
export const BY_HAND: DestinationChoice = { label: '✎ type it by hand', value: '' };

export interface DestinationStepProps {
  type: string;
  phase: DestinationPhase;
  /** The discovered destinations the filter lets through, then BY_HAND; undefined while they load. */
  items: readonly DestinationChoice[] | undefined;
  filter: string;
  cursor: number;
  /** The destination chosen or typed, once there is one. */
  picked: string;
  manual: string;
  extra: string;
  checking: boolean;
  problem: string | undefined;
  height: number;
  onFilter: (filter: string) => void;
  onCursor: (cursor: number) => void;
  onPick: (choice: DestinationChoice) => void;
  onManual: (text: string) => void;
  onManualSubmit: (text: string) => void;
  onExtra: (text: string) => void;
  onExtraSubmit: (text: string) => void;
}

/** The destination, from the resources of the type (type to filter) or typed by hand; es asks the index, iot the topic. */
export function DestinationStep(props: DestinationStepProps) {
  const { type, phase, items, filter, cursor, picked, manual, extra, checking, problem, height } = props;
  useInput(
    (input, key) => {
      if (!items) return;
      // the list wraps, as ink-select-input's does: ↑ on the first entry reaches "type it by hand"
      if (key.upArrow) props.onCursor((cursor - 1 + items.length) % items.length);
      else if (key.downArrow) props.onCursor((cursor + 1) % items.length);
      else if (key.return) {
        const choice = items[cursor];
        if (choice) props.onPick(choice);
      } else if (key.backspace || key.delete) props.onFilter(filter.slice(0, -1));
      else if (input && !key.ctrl && !key.meta && !key.escape && !key.tab) props.onFilter(filter + input);
    },
    { isActive: phase === 'pick' && !checking },
  );
  const first = Math.max(0, Math.min(cursor - height + 1, (items?.length ?? 0) - height));
  return (
    <Box flexDirection="column">
      <Text bold>Destination of the {type} target</Text>
      {phase === 'pick' ? (
        <>
          <Text>
            filter: {filter}
            <Text dimColor>{filter ? '' : ' (type to narrow the list)'}</Text>
          </Text>
          {items === undefined ? <Text dimColor>finding destinations…</Text> : null}
          {items?.slice(first, first + height).map((choice, offset) => (
            <Text key={`${choice.value}-${choice.label}`} wrap="truncate-end">
              {first + offset === cursor ? '› ' : '  '}
              {choice.label}
              {choice === BY_HAND || choice.label === choice.value ? '' : <Text dimColor> {choice.value}</Text>}
            </Text>
          ))}
        </>
      ) : null}
      {phase === 'manual' ? (
        <Text>
          destination: <TextInput value={manual} focus={!checking} onChange={props.onManual} onSubmit={props.onManualSubmit} />
        </Text>
      ) : null}
      {phase === 'index' || phase === 'topic' ? (
        <>
          <Text wrap="truncate-end">destination: {picked}</Text>
          <Text>
            {phase}: <TextInput value={extra} focus={!checking} onChange={props.onExtra} onSubmit={props.onExtraSubmit} />
          </Text>
        </>
      ) : null}
      {checking ? <Text dimColor>checking the destination…</Text> : null}
      {problem ? <Text color="red">✗ {problem}</Text> : null}
      <Text dimColor>{phase === 'manual' ? 'Enter to check it · Esc for the list' : 'Enter to choose · Esc to go back'}</Text>
    </Box>
  );
}
