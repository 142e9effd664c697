import { type JobLog, LogLevel } from '@chaconne/client';
import { Box, Button, Group, Text } from '@mantine/core';
import dayjs from 'dayjs';
import { useLayoutEffect, useRef, useState } from 'react';
import { logLevelName } from '../components/enum-names';

/** Lines rendered at first; more on request, so a huge log never floods the page. */
const FIRST_LINES = 500;
const MORE_LINES = 5_000;

const LEVEL_COLORS: Record<number, string> = {
  [LogLevel.TRACE]: 'dimmed',
  [LogLevel.DEBUG]: 'dimmed',
  [LogLevel.INFO]: 'blue.7',
  [LogLevel.WARN]: 'orange.7',
  [LogLevel.ERROR]: 'red.7',
};

function Line({ line }: { line: JobLog }) {
  return (
    <Box data-testid="log-line" style={{ display: 'flex', gap: 8, alignItems: 'baseline' }}>
      <Text span c="dimmed" fz="xs" ff="monospace" style={{ flex: 'none' }}>
        {dayjs(line.createDate).format('HH:mm:ss.SSS')}
      </Text>
      <Text
        span
        fz="xs"
        ff="monospace"
        fw={700}
        c={LEVEL_COLORS[line.level] ?? 'dimmed'}
        w={44}
        style={{ flex: 'none' }}
      >
        {logLevelName(line.level)}
      </Text>
      <Text
        span
        fz="xs"
        ff="monospace"
        style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', minWidth: 0 }}
      >
        {line.log}
      </Text>
    </Box>
  );
}

/**
 * A run's log lines, coloured by level, in a scrolling box. Only the last lines are rendered
 * until asked for more; with `follow`, the box stays scrolled to the end while the user has
 * not scrolled away from it.
 */
export function LogLines({ lines, follow = false }: { lines: JobLog[]; follow?: boolean }) {
  const [limit, setLimit] = useState(FIRST_LINES);
  const box = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  useLayoutEffect(() => {
    const el = box.current;
    if (follow && el && atEnd.current) el.scrollTop = el.scrollHeight;
  }, [follow, lines.length]);

  const hidden = Math.max(0, lines.length - limit);
  const shown = hidden > 0 ? lines.slice(hidden) : lines;
  return (
    <>
      {hidden > 0 && (
        <Group gap="xs" mb="xs">
          <Text size="sm" c="dimmed">
            {hidden} earlier lines not shown.
          </Text>
          <Button
            size="compact-sm"
            variant="light"
            onClick={() => {
              setLimit((l) => l + MORE_LINES);
            }}
          >
            {hidden <= MORE_LINES ? `Show all ${lines.length} lines` : `Show ${MORE_LINES} more`}
          </Button>
        </Group>
      )}
      <Box
        ref={box}
        data-testid="log-lines"
        tabIndex={0}
        aria-label="Log lines"
        mah={520}
        p="xs"
        bg="var(--mantine-color-gray-0)"
        style={{ overflow: 'auto', borderRadius: 4, border: '1px solid var(--mantine-color-gray-3)' }}
        onScroll={(e) => {
          const el = e.currentTarget;
          atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {shown.length === 0 ? (
          <Text size="sm" c="dimmed">
            No log lines yet.
          </Text>
        ) : (
          shown.map((line, i) => <Line key={hidden + i} line={line} />)
        )}
      </Box>
    </>
  );
}
