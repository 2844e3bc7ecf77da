import { Box, Text, useInput } from 'ink';

export interface OptionField {
  name: string;
  value: string;
  problems: readonly string[] | undefined;
}

/** Step 4: the options, one per line; ↑ ↓ choose one, space or ← → change it. */
export function OptionsStep({ fields, cursor, onCursor, onChange, onSubmit }: {
  fields: readonly OptionField[];
  cursor: number;
  onCursor: (cursor: number) => void;
  onChange: (name: string, step: 1 | -1) => void;
  onSubmit: () => void;
}) {
  useInput((input, key) => {
    if (key.upArrow) onCursor(Math.max(0, cursor - 1));
    else if (key.downArrow) onCursor(Math.min(fields.length - 1, cursor + 1));
    else if (input === ' ' || key.rightArrow) onChange(fields[cursor]!.name, 1);
    else if (key.leftArrow) onChange(fields[cursor]!.name, -1);
    else if (key.return) onSubmit();
  });
  return (
    <Box flexDirection="column">
      <Text bold>Options</Text>
      {fields.map((field, index) => (
        <Box key={field.name} flexDirection="column">
          <Text>
            {index === cursor ? '› ' : '  '}
            {field.name}: {field.value}
          </Text>
          {field.problems?.map((problem) => (
            <Text key={problem} color="red">
              {'    '}✗ {problem}
            </Text>
          ))}
        </Box>
      ))}
      <Text dimColor>space or ← → to change · Enter to review · Esc to go back</Text>
    </Box>
  );
}
