/** Mantine `styles` that set an input's text (not its label) in the monospace font: code, cron, JSON. */
export const MONOSPACE_INPUT = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };
