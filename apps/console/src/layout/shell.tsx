import { AppShell, Burger, Button, Group, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useSession } from '../api/api-context';
import { paths } from '../paths';

const NAV = [
  { label: 'Overview', to: paths.overview(), match: (p: string) => p === '/' },
  { label: 'Jobs', to: paths.jobs(), match: (p: string) => p.startsWith('/jobs') },
  { label: 'Workers', to: paths.workers(), match: (p: string) => p.startsWith('/workers') },
  { label: 'Statistics', to: paths.statistics(), match: (p: string) => p.startsWith('/statistics') },
  { label: 'xcron tasks', to: paths.xcron(), match: (p: string) => p.startsWith('/xcron') },
];

/** The frame of every signed-in page: header with sign-out, navigation (a drawer on phones). */
export function Shell({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { signOut } = useSession();
  const { pathname } = useLocation();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Navigation" />
            <Text fw={700} component={Link} to={paths.overview()}>
              Chaconne
            </Text>
          </Group>
          <Button
            variant="subtle"
            onClick={() => {
              signOut('You signed out.');
            }}
          >
            Sign out
          </Button>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        {NAV.map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            active={item.match(pathname)}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
