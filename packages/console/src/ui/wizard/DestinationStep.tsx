import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import type { DestinationChoice, DestinationPart } from '../../app/destination-discovery.js';
import { FilterList, matching } from '../components/FilterList.js';
import type { DestinationPhase, ListState } from './state.js';

/** The list's entry that opens a text input. */
export const BY_HAND: DestinationChoice = { label: '✎ type it by hand', value: '' };

export interface DestinationStepProps {
  type: string;
  phase: DestinationPhase;
  /** What the `part` phase asks (es's index, iot's topic). */
  part: DestinationPart | undefined;
  /** The discovered destinations; undefined while they load. */
  choices: readonly DestinationChoice[] | undefined;
  list: ListState;
  /** The destination chosen or typed, once there is one. */
  picked: string;
  manual: string;
  extra: string;
  checking: boolean;
  problem: string | undefined;
  isActive: boolean;
  height: number;
  onList: (list: ListState) => void;
  onPick: (choice: DestinationChoice) => void;
  onManual: (text: string) => void;
  onManualSubmit: (text: string) => void;
  onExtra: (text: string) => void;
  onExtraSubmit: (text: string) => void;
}

/** The destination, from the resources of the type (type to filter) or typed by hand; es asks the index, iot the topic. */
export function DestinationStep(props: DestinationStepProps) {
  const { type, phase, part, choices, list, picked, manual, extra, checking, problem, isActive, height } = props;
  const entries = choices && [
    ...matching(choices.map((choice) => ({ label: choice.label, detail: choice.label === choice.value ? undefined : choice.value, choice })), list.filter),
    { label: BY_HAND.label, choice: BY_HAND },
  ];
  return (
    <Box flexDirection="column">
      <Text bold>Destination of the {type} target</Text>
      {phase === 'pick' ? (
        <FilterList
          items={entries}
          filter={list.filter}
          cursor={list.cursor}
          onChange={props.onList}
          onPick={(entry) => props.onPick(entry.choice)}
          isActive={isActive && !checking}
          height={height}
          finding="finding destinations…"
        />
      ) : null}
      {phase === 'manual' ? (
        <Text>
          destination: <TextInput value={manual} focus={isActive && !checking} onChange={props.onManual} onSubmit={props.onManualSubmit} />
        </Text>
      ) : null}
      {phase === 'part' ? (
        <>
          <Text wrap="truncate-end">destination: {picked}</Text>
          <Text>
            {part?.name}: <TextInput value={extra} focus={isActive && !checking} onChange={props.onExtra} onSubmit={props.onExtraSubmit} />
          </Text>
        </>
      ) : null}
      {checking ? <Text dimColor>checking the destination…</Text> : null}
      {problem ? <Text color="red" wrap="truncate-end">✗ {problem}</Text> : null}
      <Text dimColor>{phase === 'manual' ? 'Enter to check it · Esc for the list' : 'Enter to choose · Esc to go back'}</Text>
    </Box>
  );
}
