import { Box, Text, useInput } from 'ink';

export interface FilterListItem {
  label: string;
  /** Shown dim beside the label. */
  detail?: string | undefined;
}

export interface FilterListProps<Item extends FilterListItem> {
  /** The entries the filter lets through; undefined while they are found (`finding` says so). */
  items: readonly Item[] | undefined;
  filter: string;
  cursor: number;
  onChange: (list: { filter: string; cursor: number }) => void;
  onPick: (item: Item) => void;
  isActive: boolean;
  /** Lines for the entries. */
  height: number;
  finding?: string;
}

/** The entries whose label or detail holds what is typed, whatever the case. */
export function matching<Item extends FilterListItem>(items: readonly Item[], filter: string): Item[] {
  const wanted = filter.toLowerCase();
  return items.filter((item) => item.label.toLowerCase().includes(wanted) || (item.detail ?? '').toLowerCase().includes(wanted));
}

/**
 * A list that typing narrows: ↑ ↓ move (wrapping, as ink-select-input's does), Enter picks,
 * Backspace takes a character of the filter back. Its keys are its own while it is active.
 */
export function FilterList<Item extends FilterListItem>({ items, filter, cursor, onChange, onPick, isActive, height, finding }: FilterListProps<Item>) {
  useInput(
    (input, key) => {
      if (!items) return;
      const count = Math.max(1, items.length);
      if (key.upArrow) onChange({ filter, cursor: (cursor - 1 + count) % count });
      else if (key.downArrow) onChange({ filter, cursor: (cursor + 1) % count });
      else if (key.return) {
        const item = items[cursor];
        if (item) onPick(item);
      } else if (key.backspace || key.delete) onChange({ filter: filter.slice(0, -1), cursor: 0 });
      else if (input && !key.ctrl && !key.meta && !key.escape && !key.tab) onChange({ filter: filter + input, cursor: 0 });
    },
    { isActive },
  );
  const rows = Math.max(1, height);
  const first = Math.max(0, Math.min(cursor - rows + 1, (items?.length ?? 0) - rows));
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        filter: {filter}
        <Text dimColor>{filter ? '' : ' (type to narrow the list)'}</Text>
      </Text>
      {items === undefined ? <Text dimColor>{finding}</Text> : null}
      {items?.length === 0 ? <Text dimColor>nothing matches "{filter}"</Text> : null}
      {items?.slice(first, first + rows).map((item, offset) => (
        <Text key={`${item.label}-${item.detail ?? ''}`} wrap="truncate-end">
          {first + offset === cursor ? '› ' : '  '}
          {item.label}
          {item.detail ? <Text dimColor> {item.detail}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
