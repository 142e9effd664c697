import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { paths } from '../paths';

export function NotFoundPage() {
  return (
    <Stack>
      <Title order={2}>Page not found</Title>
      <Text>There is no console page at this address.</Text>
      <Anchor component={Link} to={paths.overview()}>
        Back to the overview
      </Anchor>
    </Stack>
  );
}
