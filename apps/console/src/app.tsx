import { Autocomplete, createTheme, MantineProvider, Select } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { setNonce } from 'get-nonce';
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useLocation } from 'react-router';
import { ApiProvider, useSession } from './api/api-context';
import { Shell } from './layout/shell';
import { routes } from './routes';
import { SignInPage } from './pages/sign-in';

/*
 * Mantine 9 keeps a closed Select's option list in the page (hidden), named by the Select's
 * label, so the label would name two elements (for assistive technology and tests alike);
 * unmounted while closed, the label names the input alone.
 */
const UNMOUNT_CLOSED_OPTIONS = { comboboxProps: { keepMounted: false } };
const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  components: {
    Select: Select.extend({ defaultProps: UNMOUNT_CLOSED_OPTIONS }),
    Autocomplete: Autocomplete.extend({ defaultProps: UNMOUNT_CLOSED_OPTIONS }),
  },
});
/** The page's CSP nonce (the manager sets it per answer): Mantine's <style> elements need it. */
const styleNonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '';
// Modals lock scrolling with react-remove-scroll, whose <style> takes its nonce from get-nonce.
setNonce(styleNonce);

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
      <Notifications position="bottom-right" />
      <ApiProvider>
        <ModalsProvider>
          <RouterProvider router={router} />
        </ModalsProvider>
      </ApiProvider>
    </MantineProvider>
  );
}
