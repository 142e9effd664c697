import { ProtocolHeader, SIGNATURE_MAX_AGE_MS } from '@chaconne/contracts';
import type { SecurityRequirementObject, SecuritySchemeObject } from './openapi-types';
import type { AuthKind } from './route-doc';

const SIGNING = `Worker -> manager requests are signed with the shared secret (CHACONNE_SECRET), as the
worker SDK does it: \`${ProtocolHeader.SIGNATURE}: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + nonce + ":" + raw body)>\`,
with \`${ProtocolHeader.TIMESTAMP}\` (epoch milliseconds, within ${SIGNATURE_MAX_AGE_MS / 60_000} minutes of the manager clock) and
\`${ProtocolHeader.NONCE}\` (16-64 hex characters, never reused). The body must be sent byte for byte as signed.`;

export const SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An admin API token: `Authorization: Bearer <token>`. The bootstrap token is CHACONNE_ADMIN_TOKEN; ' +
      'more are created with `npm run token -- create <name>` (listed with `list`, revoked with `revoke <name>`). ' +
      'Requires every admin and xcron route.',
  },
  workerSignature: {
    type: 'apiKey',
    in: 'header',
    name: ProtocolHeader.SIGNATURE,
    description: SIGNING,
  },
  workerTimestamp: {
    type: 'apiKey',
    in: 'header',
    name: ProtocolHeader.TIMESTAMP,
    description: 'Epoch milliseconds when the request was signed (part of the signature).',
  },
  workerNonce: {
    type: 'apiKey',
    in: 'header',
    name: ProtocolHeader.NONCE,
    description: 'A fresh random hex nonce per request (part of the signature; replays are refused).',
  },
};

/** The `security` of an operation: what the route's guard checks. */
export function securityOf(auth: AuthKind): SecurityRequirementObject[] {
  switch (auth) {
    case 'bearer':
      return [{ adminToken: [] }];
    case 'worker-signature':
      // One requirement naming the three headers: all of them are needed together.
      return [{ workerSignature: [], workerTimestamp: [], workerNonce: [] }];
    case 'none':
      return [];
  }
}
