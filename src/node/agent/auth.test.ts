import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkUpgrade, newToken, printable, tokenMatches } from './auth';

const request = (url: string, headers: Record<string, string>): IncomingMessage =>
  ({ url, headers }) as unknown as IncomingMessage;

const POLICY = { token: 'secret', origins: ['http://127.0.0.1:5173'], loopbackOnly: true };

describe('tokens', () => {
  it('are fresh, URL-safe and at least 128 bits', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(a);
  });

  it('match only exactly, whatever the lengths', () => {
    expect(tokenMatches('secret', 'secret')).toBe(true);
    expect(tokenMatches('secreT', 'secret')).toBe(false);
    expect(tokenMatches('secret-and-more', 'secret')).toBe(false);
    expect(tokenMatches('', 'secret')).toBe(false);
  });
});

describe('printable', () => {
  it('keeps terminal escapes and long text from the network out of the console', () => {
    expect(printable('http://evil.example\x1b[2J\n')).toBe('http://evil.example?[2J?');
    expect(printable('x'.repeat(300))).toBe(`${'x'.repeat(100)}...`);
  });
});

describe('checkUpgrade', () => {
  const host = { host: '127.0.0.1:7317' };
  it.each([
    ['/?token=secret', { ...host, origin: 'http://127.0.0.1:5173' }, { ok: true }],
    ['/?token=secret', host, { ok: true }],
    ['/?token=secret', { host: 'localhost:7317' }, { ok: true }],
    ['/?token=secret', { host: '[::1]:7317' }, { ok: true }],
    ['/', host, { ok: false, status: 401, reason: 'no token; use the URL the agent printed' }],
    ['/?token=nope', host, { ok: false, status: 401, reason: 'wrong token; use the URL the agent printed' }],
    ['/?token=secret', { ...host, origin: 'http://localhost:1234' }, { ok: false, status: 403 }],
    ['/?token=secret', { host: 'rebound.example:7317' }, { ok: false, status: 403 }],
    ['http://[', host, { ok: false, status: 401 }],
  ])('%s %j', (url, headers, verdict) => {
    expect(checkUpgrade(request(url, headers), POLICY)).toMatchObject(verdict);
  });

  it('lets any Host through when the agent was asked to listen beyond loopback', () => {
    expect(
      checkUpgrade(request('/?token=secret', { host: '10.0.0.5:7317' }), { ...POLICY, loopbackOnly: false }),
    ).toEqual({
      ok: true,
    });
  });
});
