/**
 * `comboboxProps` of a Select: Mantine 9 keeps a closed Select's option list in the page
 * (hidden) and names it by the Select's label, so the label would name two elements; with the
 * list unmounted while closed, the label names the input alone.
 */
export const UNMOUNT_CLOSED_OPTIONS = { keepMounted: false };
