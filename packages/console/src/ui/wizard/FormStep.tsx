import { Box, Text, useInput } from 'ink';
import TextInput from 'ink-text-input';
import type { FormField, WizardValueName } from './fields.js';

export interface FormStepProps {
  title: string;
  fields: readonly FormField[];
  cursor: number;
  onCursor: (cursor: number) => void;
  /** A toggle flipped or a choice moved. */
  onStep: (name: WizardValueName, by: 1 | -1) => void;
  onText: (name: WizardValueName, text: string) => void;
  onSubmit: () => void;
  footer: string;
  isActive: boolean;
}

/** A step of fields, one per line: ↑ ↓ choose one; space or ← → change a toggle or a choice; text is typed in place. */
export function FormStep({ title, fields, cursor, onCursor, onStep, onText, onSubmit, footer, isActive }: FormStepProps) {
  const focused = fields[cursor];
  useInput((input, key) => {
    if (key.upArrow) onCursor(Math.max(0, cursor - 1));
    else if (key.downArrow || key.tab) onCursor(Math.min(fields.length - 1, cursor + 1));
    // a text field's own input takes its characters and its Enter
    else if (!focused || focused.kind === 'text') return;
    else if (input === ' ' || key.rightArrow) onStep(focused.name, 1);
    else if (key.leftArrow) onStep(focused.name, -1);
    else if (key.return) onSubmit();
  }, { isActive });
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      {fields.map((field, index) => (
        <Box key={field.name} flexDirection="column">
          <Text wrap="truncate-end">
            {index === cursor ? '› ' : '  '}
            {field.name}:{' '}
            {field.kind === 'text' ? (
              <TextInput value={field.value} focus={isActive && index === cursor} onChange={(text) => onText(field.name, text)} onSubmit={onSubmit} />
            ) : (
              field.value
            )}
            {index === cursor && (field.kind !== 'text' || !field.value) ? <Text dimColor>  {field.hint}</Text> : null}
          </Text>
          {field.problems?.map((problem) => (
            <Text key={problem} color="red" wrap="truncate-end">
              {'    '}✗ {problem}
            </Text>
          ))}
        </Box>
      ))}
      <Text dimColor>{footer}</Text>
    </Box>
  );
}
