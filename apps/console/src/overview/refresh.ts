/** How often the overview asks again: it is the page an operator leaves open. */
export const OVERVIEW_REFRESH_MS = 10_000;
