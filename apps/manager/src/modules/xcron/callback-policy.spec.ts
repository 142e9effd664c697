import type { LookupAddress } from 'node:dns';
import {
  CALLBACK_REFUSED,
  CallbackPolicy,
  embeddedIpv4,
  forbiddenReason,
  formatIp,
  parseAllowlist,
  parseCidr,
  parseIp,
  type Resolver,
} from './callback-policy';

const ip = (text: string) => {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`test address ${text} does not parse`);
  return parsed;
};

/** A resolver answering from a table; unknown names fail like getaddrinfo does. */
function tableResolver(table: Record<string, string[]>): Resolver {
  return (hostname) => {
    const addresses = table[hostname];
    if (!addresses)
      return Promise.reject(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
      );
    return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
}

function lookupOnce(
  policy: CallbackPolicy,
  hostname: string,
  options: { all?: boolean; family?: number } = {},
): Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }> {
  return new Promise((resolve) => {
    policy.lookup(hostname, options, (error, address, family) => {
      resolve({ error, address, family });
    });
  });
}

describe('parseIp', () => {
  it.each([
    ['127.0.0.1', 4, [127, 0, 0, 1]],
    ['::1', 6, [...new Array<number>(15).fill(0), 1]],
    ['[::1]', 6, [...new Array<number>(15).fill(0), 1]],
    ['fe80::1%eth0', 6, [0xfe, 0x80, ...new Array<number>(13).fill(0), 1]],
    ['::ffff:10.1.2.3', 6, [...new Array<number>(10).fill(0), 0xff, 0xff, 10, 1, 2, 3]],
    ['::ffff:a01:203', 6, [...new Array<number>(10).fill(0), 0xff, 0xff, 10, 1, 2, 3]],
    [
      '2001:db8::8:800:200c:417a',
      6,
      [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 8, 8, 0, 0x20, 0x0c, 0x41, 0x7a],
    ],
  ])('reads %s', (text, family, bytes) => {
    expect(parseIp(text)).toEqual({ family, bytes });
  });

  it.each(['localhost', '1.2.3', '256.1.1.1', '::g', '', '1.2.3.4/8'])('is null for %j', (text) => {
    expect(parseIp(text)).toBeNull();
  });

  it('formats back and finds embedded IPv4 addresses', () => {
    expect(formatIp(ip('2001:db8::1'))).toBe('2001:db8:0:0:0:0:0:1');
    expect(embeddedIpv4(ip('::ffff:127.0.0.1'))).toEqual(ip('127.0.0.1'));
    expect(embeddedIpv4(ip('64:ff9b::a00:1'))).toEqual(ip('10.0.0.1'));
    expect(embeddedIpv4(ip('2002:c0a8:101::1'))).toEqual(ip('192.168.1.1'));
    expect(embeddedIpv4(ip('::1'))).toBeNull();
    expect(embeddedIpv4(ip('2606:4700::1111'))).toBeNull();
  });
});

describe('forbiddenReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.10', 'private'],
    ['169.254.169.254', 'link-local (the cloud metadata endpoint)'],
    ['169.254.1.1', 'link-local'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['100.64.0.1', 'carrier-grade NAT (shared address space)'],
    ['100.127.255.255', 'carrier-grade NAT (shared address space)'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved (incl. broadcast)'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private (unique local)'],
    ['fd12:3456::1', 'private (unique local)'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback (as IPv4-mapped IPv6 of 127.0.0.1)'],
    ['::ffff:7f00:1', 'loopback (as IPv4-mapped IPv6 of 127.0.0.1)'],
    [
      '::ffff:169.254.169.254',
      'link-local (the cloud metadata endpoint) (as IPv4-mapped IPv6 of 169.254.169.254)',
    ],
    ['::ffff:10.0.0.1', 'private (as IPv4-mapped IPv6 of 10.0.0.1)'],
    ['::127.0.0.1', 'loopback (as IPv4-compatible IPv6 of 127.0.0.1)'],
    ['64:ff9b::192.168.1.1', 'private (as NAT64 IPv6 of 192.168.1.1)'],
    ['2002:7f00:1::', 'loopback (as 6to4 IPv6 of 127.0.0.1)'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(forbiddenReason(ip(address))).toBe(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.15.255.255',
    '172.32.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '169.253.255.255',
    '11.0.0.0',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    'fbff::1',
    '2a00:1450::200e',
  ])('lets public %s through', (address) => {
    expect(forbiddenReason(ip(address))).toBeNull();
  });
});

describe('allowlist', () => {
  it('reads hosts, *.suffix wildcards, addresses and CIDRs', () => {
    expect(
      parseAllowlist(['Hooks.Example.com.', '*.internal.corp', '127.0.0.1', '10.0.0.0/8', 'fd00::/8']),
    ).toEqual([
      { kind: 'host', name: 'hooks.example.com' },
      { kind: 'suffix', suffix: 'internal.corp' },
      { kind: 'range', ...parseCidr('127.0.0.1/32') },
      { kind: 'range', ...parseCidr('10.0.0.0/8') },
      { kind: 'range', ...parseCidr('fd00::/8') },
    ]);
  });

  it('refuses entries that are none of those, naming every one', () => {
    expect(() => parseAllowlist(['10.0.0.0/33', 'a..b', '*', 'ok.example', '::1/129'])).toThrow(
      'not a host name, *.suffix, IP or CIDR: 10.0.0.0/33, a..b, *, ::1/129',
    );
  });

  it.each([
    // [allowlist, host, address, allowed]
    [['127.0.0.1'], '127.0.0.1', '127.0.0.1', true],
    [['127.0.0.1'], '127.0.0.2', '127.0.0.2', false],
    [['127.0.0.0/8'], 'x', '127.9.9.9', true],
    [['10.0.0.0/8'], 'x', '10.255.0.1', true],
    [['10.0.0.0/8'], 'x', '11.0.0.1', true], // public anyway
    [['10.0.0.0/8'], 'x', '192.168.1.1', false],
    [['192.168.1.0/25'], 'x', '192.168.1.127', true],
    [['192.168.1.0/25'], 'x', '192.168.1.128', false],
    [['172.16.0.0/12'], 'x', '172.31.0.1', true],
    [['127.0.0.1'], 'x', '::ffff:127.0.0.1', true], // the mapped form of an allowlisted address
    [['::1'], 'x', '::1', true],
    [['::1'], 'x', '127.0.0.1', false],
    [['fd00::/8'], 'x', 'fd12::1', true],
    [['fd00::/8'], 'x', 'fc00::1', false],
    [['fe80::/10'], 'x', 'fe80::abcd', true],
    [['hooks.internal'], 'hooks.internal', '10.0.0.5', true],
    [['hooks.internal'], 'HOOKS.internal.', '10.0.0.5', true],
    [['hooks.internal'], 'other.internal', '10.0.0.5', false],
    [['*.corp'], 'a.b.corp', '10.0.0.5', true],
    [['*.corp'], 'corp', '10.0.0.5', false],
    [['*.corp'], 'evilcorp', '10.0.0.5', false],
    [[], 'example.com', '93.184.216.34', true],
    [[], 'example.com', '169.254.169.254', false],
  ])('with %j: %s at %s allowed = %s', (allowlist, host, address, allowed) => {
    expect(new CallbackPolicy(allowlist).refusal(host, address) === null).toBe(allowed);
  });
});

describe('checkUrl (no DNS)', () => {
  const policy = new CallbackPolicy([]);
  it.each([
    ['https://hooks.example.com/x?y=1', 'ok'],
    ['http://93.184.216.34:8080/', 'ok'],
    ['ftp://example.com/', 'invalid'],
    ['file:///etc/passwd', 'invalid'],
    ['javascript:alert(1)', 'invalid'],
    ['not a url', 'invalid'],
    ['/relative', 'invalid'],
    ['http://user:pw@example.com/', 'refused'],
    ['http://user@example.com/', 'refused'],
    ['http://127.0.0.1:8080/', 'refused'],
    ['http://127.1/', 'refused'], // the URL parser normalises short and numeric IPv4 forms
    ['http://2130706433/', 'refused'],
    ['http://0x7f.0.0.1/', 'refused'],
    ['http://[::1]/', 'refused'],
    ['http://[::ffff:127.0.0.1]/', 'refused'],
    ['http://[::ffff:169.254.169.254]/', 'refused'],
    ['http://169.254.169.254/latest/meta-data/', 'refused'],
    ['http://10.1.2.3/', 'refused'],
    ['http://0.0.0.0:80/', 'refused'],
    ['http://[fe80::1]/', 'refused'],
  ])('%s is %s', (url, expected) => {
    const verdict = policy.checkUrl(url);
    expect(verdict.ok ? 'ok' : verdict.kind).toBe(expected);
  });

  it('explains why', () => {
    expect(policy.checkUrl('http://169.254.169.254/')).toEqual({
      ok: false,
      kind: 'refused',
      reason: '169.254.169.254 is link-local (the cloud metadata endpoint); callbacks may not reach it',
    });
  });
});

describe('verify (after DNS)', () => {
  const resolver = tableResolver({
    'public.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'loopback.example': ['127.0.0.1'],
    'mixed.example': ['93.184.216.34', '10.0.0.1'],
    'mapped.example': ['::ffff:192.168.0.1'],
    'hooks.internal': ['10.0.0.7'],
  });

  it.each([
    [[], 'http://public.example/', 'ok'],
    [[], 'http://loopback.example:8080/', 'refused'],
    [[], 'http://mixed.example/', 'refused'], // one private address is enough to refuse
    [[], 'http://mapped.example/', 'refused'],
    [[], 'http://nowhere.example/', 'invalid'],
    [['127.0.0.1'], 'http://loopback.example/', 'ok'],
    [['hooks.internal'], 'http://hooks.internal/', 'ok'],
    [['10.0.0.0/8'], 'http://mixed.example/', 'ok'],
    [['10.0.0.0/8'], 'http://mapped.example/', 'refused'],
  ])('with %j: %s is %s', async (allowlist, url, expected) => {
    const verdict = await new CallbackPolicy(allowlist, resolver).verify(url);
    expect(verdict.ok ? 'ok' : verdict.kind).toBe(expected);
  });

  it('names the address a host resolved to', async () => {
    expect(await new CallbackPolicy([], resolver).verify('http://loopback.example/')).toEqual({
      ok: false,
      kind: 'refused',
      reason: 'host loopback.example resolves to 127.0.0.1, which is loopback; callbacks may not reach it',
    });
  });
});

describe('lookup (the agents resolve through the policy)', () => {
  it('hands over exactly the checked addresses, in both callback forms', async () => {
    const policy = new CallbackPolicy(
      [],
      tableResolver({ 'public.example': ['93.184.216.34', '2606:4700::1'] }),
    );
    expect(await lookupOnce(policy, 'public.example', { all: true })).toEqual({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700::1', family: 6 },
      ],
      family: undefined,
    });
    expect(await lookupOnce(policy, 'public.example')).toEqual({
      error: null,
      address: '93.184.216.34',
      family: 4,
    });
    expect(await lookupOnce(policy, 'public.example', { family: 6 })).toEqual({
      error: null,
      address: '2606:4700::1',
      family: 6,
    });
  });

  it('refuses a host that resolves to a private address at connect time (DNS rebinding)', async () => {
    const answers = [['93.184.216.34'], ['127.0.0.1']];
    const policy = new CallbackPolicy([], () =>
      Promise.resolve((answers.shift() ?? []).map((address) => ({ address, family: 4 }))),
    );
    // The createTask check sees the public address ...
    expect((await policy.verify('http://rebind.example/')).ok).toBe(true);
    // ... the connect resolves again, and that answer is checked too.
    const { error } = await lookupOnce(policy, 'rebind.example', { all: true });
    expect(error?.code).toBe(CALLBACK_REFUSED);
    expect(error?.message).toBe('callback refused: rebind.example resolves to 127.0.0.1, which is loopback');
  });

  it('passes resolver errors on', async () => {
    const { error } = await lookupOnce(new CallbackPolicy([], tableResolver({})), 'nowhere.example');
    expect(error?.code).toBe('ENOTFOUND');
  });
});
