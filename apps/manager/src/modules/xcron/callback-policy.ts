import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

/**
 * The SSRF policy of xcron callbacks: which URLs the manager may POST to.
 *
 * A callback URL is chosen by whoever holds an admin token, and the manager sits inside the
 * network, so without a policy `createTask` would be a way to reach loopback services, the
 * cloud metadata endpoint or the private network. The rules:
 * - only `http:` and `https:`, and no credentials in the URL;
 * - every address the host resolves to must be public: loopback, private, link-local,
 *   unspecified, CGNAT, multicast and reserved ranges are refused, also when carried inside
 *   an IPv6 address (IPv4-mapped, IPv4-translated, IPv4-compatible, NAT64, 6to4, Teredo,
 *   ISATAP); `localhost` and `*.localhost` are loopback by definition (RFC 6761);
 * - the allowlist (`CHACONNE_CALLBACK_ALLOWLIST`) lets chosen hosts (`name`, `*.suffix`),
 *   addresses and CIDR ranges through anyway.
 *
 * IPv4 literals reach the policy in their canonical dotted form whatever was written
 * (`2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`): the WHATWG URL parser normalises them.
 *
 * The address check runs on resolved addresses, and {@link CallbackPolicy.lookup} is the
 * `lookup` of the agents that send callbacks: the address a socket connects to is the one
 * that was checked, in the same resolution, so a DNS answer that changes between a check
 * and the connect (rebinding) cannot smuggle a private address in. That connect-time check
 * is also what makes it safe to accept, at creation, a host that does not resolve yet.
 */

/** Thrown (as a lookup error, code {@link CALLBACK_REFUSED}) when the policy refuses an address. */
export const CALLBACK_REFUSED = 'ECALLBACKREFUSED';

/** Ends every refusal the allowlist could lift, so the way out is named where the refusal is read. */
const ALLOWLIST_HINT = 'callbacks may not reach it unless CHACONNE_CALLBACK_ALLOWLIST allows it';

/**
 * How long createTask waits for DNS before treating the host as not resolved (it is then
 * checked at each delivery, like any host that does not resolve yet).
 */
export const RESOLVE_TIMEOUT_MS = 2_000;

export interface Ip {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: number[];
}

interface Range {
  ip: Ip;
  prefix: number;
  label: string;
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** The system resolver (getaddrinfo, /etc/hosts included), every address, in its order. */
export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, order: 'verbatim' }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses);
    });
  });

export type UrlVerdict =
  /**
   * `warning`: the host did not resolve (or not in time); it is accepted, and checked again
   * when each delivery connects.
   */
  | { ok: true; url: URL; warning?: string }
  /** `invalid`: not a usable http(s) URL; `refused`: a URL the policy does not allow. */
  | { ok: false; kind: 'invalid' | 'refused'; reason: string };

function range(cidr: string, label: string): Range {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new Error(`bad built-in range ${cidr}`);
  return { ...parsed, label };
}

/** Ranges a callback may not reach unless allowlisted (IANA special-purpose registries). */
const FORBIDDEN_V4: readonly Range[] = [
  range('0.0.0.0/8', 'unspecified ("this network")'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'carrier-grade NAT (shared address space)'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.169.254/32', 'link-local (the cloud metadata endpoint)'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'reserved (IETF protocol assignments)'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'reserved (benchmarking)'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved (incl. broadcast)'),
];

const FORBIDDEN_V6: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('100::/64', 'reserved (discard-only)'),
  // RFC 8215: translators inside one network, with the IPv4 address at a place that depends on
  // the operator's prefix length; not globally reachable, so refused as a whole.
  range('64:ff9b:1::/48', 'local-use NAT64'),
  range('fc00::/7', 'private (unique local)'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'private (site-local)'),
  range('ff00::/8', 'multicast'),
];

/** An IPv6 form that carries an IPv4 address: a connection to it may end up at that IPv4. */
interface Embedding {
  label: string;
  /** The IPv4 address carried, or null when `ip` is not of this form. */
  extract: (ip: Ip) => number[] | null;
}

/** The 4 bytes at `offset` when `ip` is in `cidr`. */
function carriedAt(cidr: string, offset: number): (ip: Ip) => number[] | null {
  const r = range(cidr, cidr);
  return (ip) => (inRange(ip, r) ? ip.bytes.slice(offset, offset + 4) : null);
}

const isZero = (bytes: number[]): boolean => bytes.every((b) => b === 0);

const EMBEDDINGS: readonly Embedding[] = [
  { label: 'IPv4-mapped', extract: carriedAt('::ffff:0:0/96', 12) },
  // RFC 2765 (SIIT): ::ffff:0:a.b.c.d, e.g. [::ffff:0:127.0.0.1].
  { label: 'IPv4-translated', extract: carriedAt('::ffff:0:0:0/96', 12) },
  {
    // Deprecated (RFC 4291); `::` and `::1` are in ::/96 but are IPv6's own unspecified and
    // loopback addresses (refused as such).
    label: 'IPv4-compatible',
    extract: (ip) => {
      const v4 = carriedAt('::/96', 12)(ip);
      return v4 && !(isZero(v4.slice(0, 3)) && (v4[3] ?? 0) <= 1) ? v4 : null;
    },
  },
  { label: 'NAT64', extract: carriedAt('64:ff9b::/96', 12) },
  { label: '6to4', extract: carriedAt('2002::/16', 2) },
  {
    // RFC 4380: 2001:0:<server>:<flags>:<port>:<client>, the client address inverted bitwise.
    label: 'Teredo',
    extract: (ip) => carriedAt('2001::/32', 12)(ip)?.map((b) => b ^ 0xff) ?? null,
  },
  {
    // RFC 5214: any /64 prefix with the interface id 0000:5efe:a.b.c.d (or 0200:5efe:...,
    // the universal/local bit set); the IPv4 address is the node's end of the tunnel.
    label: 'ISATAP',
    extract: (ip) => {
      const [b8, b9, b10, b11] = ip.bytes.slice(8, 12);
      return (b8 === 0 || b8 === 2) && b9 === 0 && b10 === 0x5e && b11 === 0xfe
        ? ip.bytes.slice(12, 16)
        : null;
    },
  },
];

/** Parses an IPv4 or IPv6 literal (brackets and a zone id allowed); null if it is not one. */
export function parseIp(text: string): Ip | null {
  let literal = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = literal.indexOf('%');
  if (zone >= 0) literal = literal.slice(0, zone);
  const family = isIP(literal);
  if (family === 4) return { family: 4, bytes: literal.split('.').map(Number) };
  if (family !== 6) return null;

  let head = literal;
  const tailBytes: number[] = [];
  const lastColon = head.lastIndexOf(':');
  const last = head.slice(lastColon + 1);
  if (last.includes('.')) {
    tailBytes.push(...last.split('.').map(Number));
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const groupsOf = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((g) => parseInt(g, 16));
  const leftGroups = groupsOf(left);
  const rightGroups = right === undefined ? [] : groupsOf(right);
  const groups = [
    ...leftGroups,
    ...new Array<number>(8 - leftGroups.length - rightGroups.length).fill(0),
    ...rightGroups,
  ];
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  if (tailBytes.length === 4) bytes.splice(12, 4, ...tailBytes);
  return { family: 6, bytes };
}

/** Parses `address/prefix` (or a bare address, as a single-address range); null if invalid. */
export function parseCidr(text: string): { ip: Ip; prefix: number } | null {
  const slash = text.indexOf('/');
  const ip = parseIp(slash >= 0 ? text.slice(0, slash) : text);
  if (!ip) return null;
  const max = ip.family === 4 ? 32 : 128;
  if (slash < 0) return { ip, prefix: max };
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= max ? { ip, prefix } : null;
}

function inRange(ip: Ip, r: { ip: Ip; prefix: number }): boolean {
  if (ip.family !== r.ip.family) return false;
  const whole = r.prefix >> 3;
  for (let i = 0; i < whole; i++) if (ip.bytes[i] !== r.ip.bytes[i]) return false;
  const bits = r.prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return ((ip.bytes[whole] ?? 0) & mask) === ((r.ip.bytes[whole] ?? 0) & mask);
}

/** The IPv4 address an IPv6 address carries and the form carrying it, if any (see EMBEDDINGS). */
export function embeddedIpv4(ip: Ip): { form: string; ip: Ip } | null {
  if (ip.family !== 6) return null;
  for (const { label, extract } of EMBEDDINGS) {
    const bytes = extract(ip);
    if (bytes) return { form: label, ip: { family: 4, bytes } };
  }
  return null;
}

export function formatIp(ip: Ip): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((ip.bytes[i] ?? 0) << 8) | (ip.bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/** Why an address may not be called (e.g. `loopback`), or null when it is public. */
export function forbiddenReason(ip: Ip): string | null {
  const own = (ip.family === 4 ? FORBIDDEN_V4 : FORBIDDEN_V6).find((r) => inRange(ip, r));
  if (own) return own.label;
  const embedded = embeddedIpv4(ip);
  if (!embedded) return null;
  const inner = FORBIDDEN_V4.find((r) => inRange(embedded.ip, r));
  return inner ? `${inner.label} (as ${embedded.form} IPv6 of ${formatIp(embedded.ip)})` : null;
}

type AllowEntry =
  | { kind: 'host'; name: string }
  | { kind: 'suffix'; suffix: string }
  | { kind: 'range'; ip: Ip; prefix: number };

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

const normaliseHost = (host: string): string => host.toLowerCase().replace(/\.$/, '');

/** RFC 6761: `localhost` and every name under it mean loopback, whatever DNS says. */
const isLoopbackName = (host: string): boolean => {
  const name = normaliseHost(host);
  return name === 'localhost' || name.endsWith('.localhost');
};

/** Reads allowlist entries; throws listing every entry that is not a host, `*.suffix`, IP or CIDR. */
export function parseAllowlist(entries: readonly string[]): AllowEntry[] {
  const parsed: AllowEntry[] = [];
  const bad: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    const cidr = parseCidr(entry);
    if (cidr) parsed.push({ kind: 'range', ...cidr });
    else if (entry.includes('/') || isIP(entry) !== 0) bad.push(entry);
    else if (entry.startsWith('*.') && HOST_NAME.test(normaliseHost(entry.slice(2))))
      parsed.push({ kind: 'suffix', suffix: normaliseHost(entry.slice(2)) });
    else if (HOST_NAME.test(normaliseHost(entry))) parsed.push({ kind: 'host', name: normaliseHost(entry) });
    else bad.push(entry);
  }
  if (bad.length > 0) {
    throw new Error(`CHACONNE_CALLBACK_ALLOWLIST: not a host name, *.suffix, IP or CIDR: ${bad.join(', ')}`);
  }
  return parsed;
}

export class CallbackPolicy {
  private readonly allow: AllowEntry[];

  constructor(
    allowlist: readonly string[],
    private readonly resolve: Resolver = systemResolver,
    private readonly resolveTimeoutMs: number = RESOLVE_TIMEOUT_MS,
  ) {
    this.allow = parseAllowlist(allowlist);
  }

  /** Whether a host name is allowlisted by name (`name` or `*.suffix`). */
  hostAllowed(hostname: string): boolean {
    const host = normaliseHost(hostname);
    return this.allow.some(
      (e) => (e.kind === 'host' && e.name === host) || (e.kind === 'suffix' && host.endsWith(`.${e.suffix}`)),
    );
  }

  /** Whether an address is allowlisted (itself, or the IPv4 address it carries). */
  addressAllowed(ip: Ip): boolean {
    const v4 = embeddedIpv4(ip)?.ip ?? null;
    return this.allow.some((e) => e.kind === 'range' && (inRange(ip, e) || (v4 !== null && inRange(v4, e))));
  }

  /** Why `address` (reached through `hostname`) is refused, e.g. `loopback`; null when it may be called. */
  refusal(hostname: string, address: string): string | null {
    if (this.hostAllowed(hostname)) return null;
    const ip = parseIp(address);
    if (!ip) return 'not an IP address';
    if (this.addressAllowed(ip)) return null;
    return forbiddenReason(ip);
  }

  /**
   * The checks that need no DNS: scheme, credentials, and the address when the host is an
   * IP literal (sockets to IP literals skip `lookup`, so this is their only check).
   */
  checkUrl(raw: string): UrlVerdict {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { ok: false, kind: 'invalid', reason: 'is not an absolute URL' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return {
        ok: false,
        kind: 'invalid',
        reason: `must use http or https, not ${url.protocol.slice(0, -1)}`,
      };
    if (url.hostname === '') return { ok: false, kind: 'invalid', reason: 'has no host' };
    if (url.username !== '' || url.password !== '')
      return { ok: false, kind: 'refused', reason: 'must not carry credentials (user:password@)' };
    const literal = parseIp(url.hostname);
    if (literal) {
      const address = url.hostname.replace(/^\[|\]$/g, '');
      const why = this.refusal(url.hostname, address);
      if (why) return { ok: false, kind: 'refused', reason: `${address} is ${why}; ${ALLOWLIST_HINT}` };
    } else if (isLoopbackName(url.hostname) && !this.hostAllowed(url.hostname)) {
      return {
        ok: false,
        kind: 'refused',
        reason: `host ${url.hostname} is loopback by name (RFC 6761); ${ALLOWLIST_HINT}`,
      };
    }
    return { ok: true, url };
  }

  /**
   * {@link checkUrl}, then every address the host resolves to now (createTask time). A host
   * that does not resolve, or not within the resolve timeout, is accepted with a warning:
   * like a webhook platform, the manager checks it again when each delivery connects.
   */
  async verify(raw: string): Promise<UrlVerdict> {
    const verdict = this.checkUrl(raw);
    if (!verdict.ok || parseIp(verdict.url.hostname)) return verdict;
    const host = verdict.url.hostname;
    if (this.hostAllowed(host)) return verdict;
    const answer = await this.resolveWithin(host);
    if ('failure' in answer) {
      return {
        ...verdict,
        warning: `host ${host} did not resolve (${answer.failure}); it will be checked again at each delivery`,
      };
    }
    for (const { address } of answer.addresses) {
      const why = this.refusal(host, address);
      if (why)
        return {
          ok: false,
          kind: 'refused',
          reason: `host ${host} resolves to ${address}, which is ${why}; ${ALLOWLIST_HINT}`,
        };
    }
    return verdict;
  }

  /**
   * The host's addresses, or why there are none (`failure`, for messages) with an error code:
   * the resolver's, ENOTFOUND for an empty answer, or ETIMEOUT past the resolve timeout.
   */
  private async resolveWithin(
    host: string,
  ): Promise<{ addresses: LookupAddress[] } | { failure: string; code: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ failure: string; code: string }>((resolve) => {
      timer = setTimeout(() => {
        resolve({ failure: `no answer within ${this.resolveTimeoutMs} ms`, code: 'ETIMEOUT' });
      }, this.resolveTimeoutMs);
    });
    const lookup = this.resolve(host).then(
      (addresses) => (addresses.length > 0 ? { addresses } : { failure: 'no addresses', code: 'ENOTFOUND' }),
      (error: unknown) => ({ failure: errorCode(error), code: errorCode(error) }),
    );
    try {
      return await Promise.race([lookup, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A `lookup` for `http.Agent`/`https.Agent`: resolves once, refuses the host if ANY of its
   * addresses is refused (error code {@link CALLBACK_REFUSED}), and otherwise hands exactly
   * the checked addresses to the socket. Supports both `all: true` (Node's happy-eyeballs
   * connect) and the single-address form.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const answer = async (): Promise<{ usable: LookupAddress[]; first: LookupAddress }> => {
      const answer = await this.resolveWithin(hostname);
      if ('failure' in answer) {
        throw Object.assign(new Error(`host ${hostname} did not resolve (${answer.failure})`), {
          code: answer.code,
          hostname,
        });
      }
      const { addresses } = answer;
      for (const { address } of addresses) {
        const why = this.refusal(hostname, address);
        if (why) {
          throw Object.assign(
            new Error(
              `callback refused: ${hostname} resolves to ${address}, which is ${why}; ${ALLOWLIST_HINT}`,
            ),
            { code: CALLBACK_REFUSED, hostname },
          );
        }
      }
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
      const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
      const first = usable[0];
      if (!first) {
        throw Object.assign(new Error(`host ${hostname} has no IPv${family} address`), {
          code: 'ENOTFOUND',
          hostname,
        });
      }
      return { usable, first };
    };
    answer().then(
      ({ usable, first }) => {
        if (options.all === true) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => {
        callback(error as NodeJS.ErrnoException, '', 0);
      },
    );
  };
}

/** A resolver error's code (ENOTFOUND, EAI_AGAIN, ...), or its message when it has none. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}
