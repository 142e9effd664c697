import { PROTOCOL_VERSION, ProtocolHeader, SIGNATURE_MAX_AGE_MS } from '@chaconne/contracts';
import type { SecurityRequirementObject, SecuritySchemeObject } from './openapi-types';
import type { AuthKind } from './route-doc';

const SIGNING = `Worker -> manager requests are signed with the shared secret (CHACONNE_SECRET), as the worker SDK
does it (\`signRequest\` of \`@chaconne/contracts/signing\`, scheme v2):
\`${ProtocolHeader.SIGNATURE}: v2=<hex HMAC-SHA256(secret, canonical text)>\`. The canonical text binds what the request
authorises: each of these fields, in this order, as \`<length in bytes>:<value>\\n\`: \`v2\`, the direction
\`worker-to-manager\` (\`manager-to-worker\` for the manager's requests to a worker), the method (\`POST\`), the path exactly
as sent without the query string (\`/worker/runs/42/report\`; no route reads a query string; a trailing slash is another
path), the recipient (\`manager\`: all managers of a deployment are one recipient and share the nonce store; a worker's
requests name its instance id), the timestamp and the nonce; then \`<body length>:\` and the exact body bytes. A request
signed for one route, recipient or direction is refused everywhere else (401 BAD_SIGNATURE).
\`${ProtocolHeader.TIMESTAMP}\` is epoch milliseconds, within ${SIGNATURE_MAX_AGE_MS / 60_000} minutes of the manager clock;
\`${ProtocolHeader.NONCE}\` is 16-64 hex characters, never reused; \`${ProtocolHeader.PROTOCOL}\` is the protocol version
(${PROTOCOL_VERSION}; another is refused with 400 INCOMPATIBLE_PROTOCOL). The signature is checked over the raw bytes
before the body is parsed, and the body must be sent byte for byte as signed.`;

export const SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An admin API token: `Authorization: Bearer <token>`. The bootstrap token is CHACONNE_ADMIN_TOKEN; ' +
      'more are created with `chaconne-manager token create <name>` (listed with `list`, revoked with `revoke <name>`). ' +
      'Requires every admin and xcron route. It is checked before the request body is read: without a valid ' +
      'token the body is never read nor parsed.',
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
