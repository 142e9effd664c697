import { createTheme, MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useLocation } from 'react-router';
import { ApiProvider, useSession } from './api/api-context';
import { Shell } from './layout/shell';
import { routes } from './routes';
import { SignInPage } from './pages/sign-in';

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'sm' });
/** The page's CSP nonce (the manager sets it per answer): Mantine's <style> elements need it. */
const styleNonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '';

/** Routes under it need a session; without one the user goes to sign-in and comes back after. */
function RequireSession() {
  const { jobManager } = useSession();
  const location = useLocation();
  if (!jobManager) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

const router = createBrowserRouter(
  [
    { path: '/sign-in', element: <SignInPage /> },
    { element: <RequireSession />, children: routes },
  ],
  { basename: '/console' },
);

export function App() {
  return (
    <MantineProvider theme={theme} getStyleNonce={() => styleNonce}>
      <Notifications position="top-right" />
      <ApiProvider>
        <ModalsProvider>
          <RouterProvider router={router} />
        </ModalsProvider>
      </ApiProvider>
    </MantineProvider>
  );
}
