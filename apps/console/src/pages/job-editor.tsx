import { Title } from '@mantine/core';

export function JobEditorPage({ mode }: { mode: 'create' | 'edit' }) {
  return <Title order={2}>{mode === 'create' ? 'New job' : 'Edit job'}</Title>;
}
