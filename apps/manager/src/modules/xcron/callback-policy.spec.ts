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

  it('formats back', () => {
    expect(formatIp(ip('2001:db8::1'))).toBe('2001:db8:0:0:0:0:0:1');
  });
});

describe('embeddedIpv4', () => {
  it.each([
    ['::ffff:127.0.0.1', 'IPv4-mapped', '127.0.0.1'],
    ['::ffff:7f00:1', 'IPv4-mapped', '127.0.0.1'],
    ['::ffff:0:127.0.0.1', 'IPv4-translated', '127.0.0.1'],
    ['::ffff:0:a00:1', 'IPv4-translated', '10.0.0.1'],
    ['::10.1.2.3', 'IPv4-compatible', '10.1.2.3'],
    ['::0.0.0.2', 'IPv4-compatible', '0.0.0.2'],
    ['64:ff9b::a00:1', 'NAT64', '10.0.0.1'],
    ['2002:c0a8:101::1', '6to4', '192.168.1.1'],
    // Teredo: server 65.54.227.120, client bits inverted: 80ff:fffe = ~127.0.0.1.
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'Teredo', '127.0.0.1'],
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'Teredo', '8.8.8.8'],
    ['2001:db8::5efe:10.0.0.1', 'ISATAP', '10.0.0.1'],
    ['2001:db8::200:5efe:7f00:1', 'ISATAP', '127.0.0.1'],
  ])('%s carries %s %s', (address, form, v4) => {
    expect(embeddedIpv4(ip(address))).toEqual({ form, ip: ip(v4) });
  });

  it.each(['::1', '::', '2606:4700::1111', '2001:db8::1', '2001:1::1', '64:ff9b:1::a00:1', '127.0.0.1'])(
    '%s carries none',
    (address) => {
      expect(embeddedIpv4(ip(address))).toBeNull();
    },
  );
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
    ['::10.0.0.1', 'private (as IPv4-compatible IPv6 of 10.0.0.1)'],
    ['::ffff:0:127.0.0.1', 'loopback (as IPv4-translated IPv6 of 127.0.0.1)'],
    ['::ffff:0:7f00:1', 'loopback (as IPv4-translated IPv6 of 127.0.0.1)'],
    [
      '::ffff:0:169.254.169.254',
      'link-local (the cloud metadata endpoint) (as IPv4-translated IPv6 of 169.254.169.254)',
    ],
    ['::ffff:0:0.0.0.0', 'unspecified ("this network") (as IPv4-translated IPv6 of 0.0.0.0)'],
    ['64:ff9b::192.168.1.1', 'private (as NAT64 IPv6 of 192.168.1.1)'],
    ['64:ff9b::7f00:1', 'loopback (as NAT64 IPv6 of 127.0.0.1)'],
    ['64:ff9b:1::a00:1', 'local-use NAT64'],
    ['64:ff9b:1:ffff::808:808', 'local-use NAT64'],
    ['2002:7f00:1::', 'loopback (as 6to4 IPv6 of 127.0.0.1)'],
    ['2002:a9fe:a9fe::1', 'link-local (the cloud metadata endpoint) (as 6to4 IPv6 of 169.254.169.254)'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback (as Teredo IPv6 of 127.0.0.1)'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private (as Teredo IPv6 of 10.0.0.1)'],
    ['2001:db8::5efe:10.0.0.1', 'private (as ISATAP IPv6 of 10.0.0.1)'],
    ['2001:db8::200:5efe:7f00:1', 'loopback (as ISATAP IPv6 of 127.0.0.1)'],
    ['fe80::5efe:a00:1', 'link-local'],
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
    '::ffff:0:8.8.8.8',
    '::8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
    '2001:db8::5efe:808:808',
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
    [['127.0.0.1'], 'x', '::ffff:0:127.0.0.1', true], // and the translated one
    [['10.0.0.0/8'], 'x', '::ffff:0:127.0.0.1', false],
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
    ['http://[::ffff:0:127.0.0.1]/', 'refused'],
    ['http://[::ffff:0:7f00:1]:8080/', 'refused'],
    ['http://[::127.0.0.1]/', 'refused'],
    ['http://[64:ff9b::127.0.0.1]/', 'refused'],
    ['http://[64:ff9b:1::808:808]/', 'refused'],
    ['http://[2002:7f00:1::]/', 'refused'],
    ['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'refused'],
    ['http://[2001:db8::5efe:127.0.0.1]/', 'refused'],
    ['http://[::ffff:0:8.8.8.8]/', 'ok'],
    ['http://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/', 'ok'],
    ['http://localhost/', 'refused'],
    ['http://LocalHost.:8080/', 'refused'],
    ['http://api.localhost/', 'refused'],
    ['http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/', 'refused'], // full-width: the parser maps it to localhost
    ['http://LOCALHOST%2e/', 'refused'],
    ['http://localhost.example.com/', 'ok'],
    ['http://[fe80::1%25eth0]/', 'invalid'], // zone ids are not URL syntax
    ['http://169.254.169.254/latest/meta-data/', 'refused'],
    ['http://10.1.2.3/', 'refused'],
    ['http://0.0.0.0:80/', 'refused'],
    ['http://[fe80::1]/', 'refused'],
  ])('%s is %s', (url, expected) => {
    const verdict = policy.checkUrl(url);
    expect(verdict.ok ? 'ok' : verdict.kind).toBe(expected);
  });

  it('explains why, and names the allowlist as the way to allow a private host', () => {
    expect(policy.checkUrl('http://169.254.169.254/')).toEqual({
      ok: false,
      kind: 'refused',
      reason:
        '169.254.169.254 is link-local (the cloud metadata endpoint); callbacks may not reach it unless CHACONNE_CALLBACK_ALLOWLIST allows it',
    });
    expect(policy.checkUrl('http://[::ffff:0:127.0.0.1]/')).toEqual({
      ok: false,
      kind: 'refused',
      reason:
        '::ffff:0:7f00:1 is loopback (as IPv4-translated IPv6 of 127.0.0.1); callbacks may not reach it unless CHACONNE_CALLBACK_ALLOWLIST allows it',
    });
    expect(policy.checkUrl('http://Localhost:8080/')).toEqual({
      ok: false,
      kind: 'refused',
      reason:
        'host localhost is loopback by name (RFC 6761); callbacks may not reach it unless CHACONNE_CALLBACK_ALLOWLIST allows it',
    });
  });

  it.each([
    ['http://2130706433/', 'decimal'],
    ['http://017700000001/', 'octal, one number'],
    ['http://0177.0.0.1/', 'octal'],
    ['http://0x7f.1/', 'hex, short'],
    ['http://0x7F000001/', 'hex, one number'],
    ['http://127.1/', 'short'],
    ['http://127.000.000.001/', 'zero-padded'],
    ['http://127.0.0.1./', 'trailing dot'],
    ['http://%31%32%37.0.0.1/', 'percent-encoded'],
    ['http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/', 'full-width digits'],
  ])('%s (%s) reaches the policy as 127.0.0.1 and is refused', (url, _form) => {
    // What the policy sees is what the WHATWG URL parser made of the text.
    expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(policy.checkUrl(url)).toMatchObject({
      ok: false,
      kind: 'refused',
      reason: expect.stringMatching(/^127\.0\.0\.1 is loopback;/) as string,
    });
  });

  it('lets an allowlisted name through, localhost included', () => {
    expect(new CallbackPolicy(['localhost']).checkUrl('http://localhost:8080/').ok).toBe(true);
    expect(new CallbackPolicy(['*.localhost']).checkUrl('http://api.localhost/').ok).toBe(true);
  });
});

describe('verify (after DNS)', () => {
  const resolver = tableResolver({
    'public.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'loopback.example': ['127.0.0.1'],
    'mixed.example': ['93.184.216.34', '10.0.0.1'],
    'mapped.example': ['::ffff:192.168.0.1'],
    'translated.example': ['::ffff:0:7f00:1'],
    'teredo.example': ['2001:0:4136:e378:8000:63bf:80ff:fffe'],
    'hooks.internal': ['10.0.0.7'],
  });

  it.each([
    [[], 'http://public.example/', 'ok'],
    [[], 'http://loopback.example:8080/', 'refused'],
    [[], 'http://mixed.example/', 'refused'], // one private address is enough to refuse
    [[], 'http://mapped.example/', 'refused'],
    [[], 'http://translated.example/', 'refused'],
    [[], 'http://teredo.example/', 'refused'],
    [[], 'http://nowhere.example/', 'ok'], // does not resolve yet: checked at each delivery
    [['127.0.0.1'], 'http://loopback.example/', 'ok'],
    [['hooks.internal'], 'http://hooks.internal/', 'ok'],
    [['10.0.0.0/8'], 'http://mixed.example/', 'ok'],
    [['10.0.0.0/8'], 'http://mapped.example/', 'refused'],
  ])('with %j: %s is %s', async (allowlist, url, expected) => {
    const verdict = await new CallbackPolicy(allowlist, resolver).verify(url);
    expect(verdict.ok ? 'ok' : verdict.kind).toBe(expected);
  });

  it('names the address a host resolved to, and the allowlist', async () => {
    expect(await new CallbackPolicy([], resolver).verify('http://loopback.example/')).toEqual({
      ok: false,
      kind: 'refused',
      reason:
        'host loopback.example resolves to 127.0.0.1, which is loopback; callbacks may not reach it unless CHACONNE_CALLBACK_ALLOWLIST allows it',
    });
  });

  it('accepts a host that does not resolve, with a warning naming it', async () => {
    const verdict = await new CallbackPolicy([], resolver).verify('http://nowhere.example:8810/hook');
    expect(verdict).toEqual({
      ok: true,
      url: new URL('http://nowhere.example:8810/hook'),
      warning: 'host nowhere.example did not resolve (ENOTFOUND); it will be checked again at each delivery',
    });
  });

  it('accepts a host whose resolver answers no address, with a warning', async () => {
    const verdict = await new CallbackPolicy([], () => Promise.resolve([])).verify('http://empty.example/');
    expect(verdict).toMatchObject({
      ok: true,
      warning: 'host empty.example did not resolve (no addresses); it will be checked again at each delivery',
    });
  });

  it('waits for DNS at most the resolve timeout, then treats the host as not resolved', async () => {
    jest.useFakeTimers();
    try {
      let asked = 0;
      const hanging: Resolver = () => {
        asked++;
        return new Promise<LookupAddress[]>(() => undefined);
      };
      const pending = new CallbackPolicy([], hanging, 2_000).verify('http://slow-dns.example/');
      await jest.advanceTimersByTimeAsync(1_999);
      let settled = false;
      void pending.then(() => {
        settled = true;
      });
      await Promise.resolve();
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(await pending).toMatchObject({
        ok: true,
        warning:
          'host slow-dns.example did not resolve (no answer within 2000 ms); it will be checked again at each delivery',
      });
      expect(asked).toBe(1);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses a resolved private address even when it answers just before the timeout', async () => {
    jest.useFakeTimers();
    try {
      const late: Resolver = () =>
        new Promise((resolve) => {
          setTimeout(() => {
            resolve([{ address: '10.0.0.1', family: 4 }]);
          }, 1_900);
        });
      const pending = new CallbackPolicy([], late, 2_000).verify('http://late.example/');
      await jest.advanceTimersByTimeAsync(2_000);
      expect(await pending).toMatchObject({ ok: false, kind: 'refused' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not ask DNS for an allowlisted name or an IP literal', async () => {
    let asked = 0;
    const counting: Resolver = () => {
      asked++;
      return Promise.resolve([{ address: '10.0.0.1', family: 4 }]);
    };
    expect((await new CallbackPolicy(['hooks.internal'], counting).verify('http://hooks.internal/')).ok).toBe(
      true,
    );
    expect((await new CallbackPolicy([], counting).verify('http://93.184.216.34/')).ok).toBe(true);
    expect(asked).toBe(0);
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
    expect(error?.message).toBe(
      'callback refused: rebind.example resolves to 127.0.0.1, which is loopback; callbacks may not reach it unless CHACONNE_CALLBACK_ALLOWLIST allows it',
    );
  });

  it('refuses embedded IPv4 forms at connect time too', async () => {
    const policy = new CallbackPolicy(
      [],
      tableResolver({
        'translated.example': ['::ffff:0:a9fe:a9fe'],
        'isatap.example': ['2001:db8::5efe:a00:1'],
      }),
    );
    for (const host of ['translated.example', 'isatap.example']) {
      const { error } = await lookupOnce(policy, host, { all: true });
      expect(error?.code).toBe(CALLBACK_REFUSED);
    }
  });

  it('gives up on DNS after the resolve timeout at connect time too', async () => {
    const policy = new CallbackPolicy([], () => new Promise<LookupAddress[]>(() => undefined), 20);
    const { error } = await lookupOnce(policy, 'slow-dns.example', { all: true });
    expect([error?.code, error?.message]).toEqual([
      'ETIMEOUT',
      'host slow-dns.example did not resolve (no answer within 20 ms)',
    ]);
  });

  it('says so when the host has no address of the family asked for', async () => {
    const policy = new CallbackPolicy([], tableResolver({ 'v4only.example': ['93.184.216.34'] }));
    const { error } = await lookupOnce(policy, 'v4only.example', { family: 6 });
    expect([error?.code, error?.message]).toEqual(['ENOTFOUND', 'host v4only.example has no IPv6 address']);
  });

  it('passes resolver errors on, saying which host did not resolve', async () => {
    const { error } = await lookupOnce(new CallbackPolicy([], tableResolver({})), 'nowhere.example');
    expect(error?.code).toBe('ENOTFOUND');
    expect(error?.message).toBe('host nowhere.example did not resolve (ENOTFOUND)');
    const empty = await lookupOnce(new CallbackPolicy([], () => Promise.resolve([])), 'empty.example');
    expect([empty.error?.code, empty.error?.message]).toEqual([
      'ENOTFOUND',
      'host empty.example did not resolve (no addresses)',
    ]);
  });
});
