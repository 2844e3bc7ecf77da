import { Text } from 'ink';

/** A list's filter under it, `/text`, while there is one. */
export function FilterLine({ text }: { text: string | undefined }) {
  return text !== undefined ? <Text wrap="truncate-end">/{text}</Text> : null;
}
