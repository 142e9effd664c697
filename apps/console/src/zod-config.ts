import { z } from 'zod';

// The job-definition schema (zod, through @chaconne/client) would otherwise probe for eval with
// `new Function` on its first parse, which the console's Content-Security-Policy refuses (and
// reports). Imported first by main.tsx, before anything parses.
z.config({ jitless: true });
