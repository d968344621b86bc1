import { describe, expect, it } from 'vitest';
import { takeAgentFromLocation, userModeOnlyAgent, type AgentState } from './agent';

function tab() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
}

describe('the agent link', () => {
  it('takes the token out of the address bar and keeps it for this tab', () => {
    const storage = tab();
    const replaced: string[] = [];
    const history = {
      replaceState: (_d: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)),
    };
    const href = 'http://127.0.0.1:5173/?agent=ws%3A%2F%2F127.0.0.1%3A7317&token=s3cret#s=abc';
    expect(takeAgentFromLocation({ href }, history, storage)).toEqual({
      url: 'ws://127.0.0.1:7317',
      token: 's3cret',
    });
    expect(replaced).toEqual(['http://127.0.0.1:5173/?agent=ws%3A%2F%2F127.0.0.1%3A7317#s=abc']);
    // The reload: no token in the URL any more, the tab still has it.
    expect(takeAgentFromLocation({ href: replaced[0]! }, history, storage)).toEqual({
      url: 'ws://127.0.0.1:7317',
      token: 's3cret',
    });
  });

  it('does not hand one agent’s token to another', () => {
    const storage = tab();
    const history = { replaceState: () => undefined };
    takeAgentFromLocation({ href: 'http://h/?agent=ws://a:1&token=t' }, history, storage);
    expect(takeAgentFromLocation({ href: 'http://h/?agent=ws://b:2' }, history, storage)).toBeUndefined();
  });

  it('is nothing without an agent parameter, and survives a damaged tab entry', () => {
    const storage = tab();
    storage.setItem('uffd-playground.agent-token', '{not json');
    const history = { replaceState: () => undefined };
    expect(takeAgentFromLocation({ href: 'http://h/' }, history, storage)).toBeUndefined();
    expect(takeAgentFromLocation({ href: 'http://h/?agent=ws://a:1' }, history, storage)).toBeUndefined();
  });
});

describe('what the agent may do', () => {
  const agent = (access: NonNullable<AgentState['doctor']>['access']): AgentState => ({
    status: 'connected',
    url: 'ws://127.0.0.1:7317',
    doctor: { access } as AgentState['doctor'],
  });
  it('needs UFFD_USER_MODE_ONLY when its doctor found the plain syscall refused and the flag accepted', () => {
    const refused = { way: 'syscall', usable: false, detail: 'EPERM' } as const;
    const userOnly = { way: 'syscall-user-mode-only', usable: true, detail: 'user faults only' } as const;
    expect(userModeOnlyAgent(agent([refused, userOnly]))).toBe(true);
    expect(userModeOnlyAgent(agent([{ ...refused, usable: true, detail: 'as root' }, userOnly]))).toBe(false);
    expect(userModeOnlyAgent(agent([refused, { ...userOnly, usable: false }]))).toBe(false);
    expect(userModeOnlyAgent({ status: 'off', url: '' })).toBe(false);
  });
});
