import { describe, expect, it } from 'vitest';
import { DEFAULT_ORIGINS, pageLink, parseAgentArgs } from './args';

describe('parseAgentArgs', () => {
  it('defaults to loopback, port 7317 and the playground origins', () => {
    expect(parseAgentArgs([])).toEqual({
      help: false,
      doctor: false,
      host: '127.0.0.1',
      port: 7317,
      page: 'http://127.0.0.1:5173/',
      origins: DEFAULT_ORIGINS,
      maxSessions: 4,
      idleMs: 900_000,
      scenarios: undefined,
    });
  });

  it('takes every option', () => {
    const args = parseAgentArgs([
      '--port=9000',
      '--host',
      '0.0.0.0',
      '--page',
      'https://uffd.example/play/',
      '--origin',
      'http://10.0.0.2:8080/ignored/path',
      '--max-sessions',
      '2',
      '--idle',
      '60',
      '--scenarios',
      'lib',
      '--doctor',
    ]);
    expect(args).toMatchObject({
      doctor: true,
      host: '0.0.0.0',
      port: 9000,
      page: 'https://uffd.example/play/',
      origins: [...DEFAULT_ORIGINS, 'https://uffd.example', 'http://10.0.0.2:8080'],
      maxSessions: 2,
      idleMs: 60_000,
      scenarios: 'lib',
    });
  });

  it.each([
    [['--prot', '1'], /^Unknown option '--prot'.*; see --help$/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--port', '70000'], "--port wants a whole number from 0 to 65535; got '70000'"],
    [['--port', '-1'], /--port/],
    [['--idle', '1.5'], "--idle wants a whole number from 1 to 604800; got '1.5'"],
    [['--max-sessions', '0'], /--max-sessions wants a whole number from 1 to 64/],
    [['--origin', 'evil'], "--origin wants a URL such as http://127.0.0.1:5173; got 'evil'"],
    [['--page', 'file:///tmp/x.html'], "--page wants an http:// or https:// URL; got 'file:///tmp/x.html'"],
  ])('refuses %j clearly', (argv, message) => {
    const parsed = parseAgentArgs(argv);
    expect(parsed).toHaveProperty('error');
    expect((parsed as { error: string }).error).toMatch(message);
  });
});

describe('pageLink', () => {
  it('puts the agent URL and the token in the page query', () => {
    expect(pageLink('http://127.0.0.1:5173/', 'ws://127.0.0.1:7317', 'tok_-en')).toBe(
      'http://127.0.0.1:5173/?agent=ws://127.0.0.1:7317&token=tok_-en',
    );
    const link = new URL(pageLink('https://x.example/p?lang=en', 'ws://[::1]:7317', 'a'));
    expect(link.searchParams.get('agent')).toBe('ws://[::1]:7317');
    expect(link.searchParams.get('lang')).toBe('en');
  });
});
