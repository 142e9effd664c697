import { ChaconneApiError, JobManager } from '@chaconne/client';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { type SyntheticEvent, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { useSession } from '../api/api-context';
import { takeSignInNotice } from '../auth/session';
import { errorMessage } from '../components/api-error';

/** Only a path inside the console may be the place to go back to after signing in. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/**
 * Sign-in with an admin API token (the manager prints one at start; `chaconne-manager token
 * create` makes more). The token is checked with one authenticated call before it is kept.
 */
export function SignInPage() {
  const { jobManager, signIn } = useSession();
  const [params] = useSearchParams();
  const [notice] = useState(() => takeSignInNotice());
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  if (jobManager) return <Navigate to={safeNext(params.get('next'))} replace />;

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) {
      setError('Enter an admin API token.');
      return;
    }
    setChecking(true);
    setError(null);
    try {
      await new JobManager({ baseUrl: window.location.origin, token: candidate }).selectClusterNames();
      signIn(candidate);
    } catch (e) {
      setError(
        e instanceof ChaconneApiError && e.status === 401
          ? 'The manager does not accept this token.'
          : `Could not check the token: ${errorMessage(e)}`,
      );
    } finally {
      setChecking(false);
    }
  };

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%">
        <form onSubmit={(e) => void submit(e)}>
          <Stack>
            <Title order={2}>Chaconne console</Title>
            {notice && (
              <Alert color="yellow" data-testid="sign-in-notice">
                {notice}
              </Alert>
            )}
            <Text size="sm" c="dimmed">
              Sign in with an admin API token. It is kept in this browser tab only and forgotten when you sign
              out or close the tab.
            </Text>
            <PasswordInput
              label="Admin API token"
              value={token}
              onChange={(e) => {
                setToken(e.currentTarget.value);
              }}
              error={error}
              autoFocus
              autoComplete="off"
              data-autofocus
            />
            <Button type="submit" loading={checking}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
