// `npm run agent -- [options]`: the command line, read into options or a clear error.

import { parseArgs } from 'node:util';
import { DEFAULT_AGENT_PORT, DEFAULT_PAGE_ORIGIN } from '../../portable/protocol/protocol';

export interface AgentArgs {
  readonly help: boolean;
  readonly doctor: boolean;
  readonly host: string;
  readonly port: number;
  /** The playground page the printed URL opens; its origin is always allowed. */
  readonly page: string;
  /** Every origin allowed to connect. */
  readonly origins: readonly string[];
  readonly maxSessions: number;
  readonly idleMs: number;
  readonly scenarios: string | undefined;
}

export const USAGE = `Usage: npm run agent -- [options]

Serves the playground's real-kernel sessions over a WebSocket on this machine.

  --port N          port to listen on (default ${DEFAULT_AGENT_PORT})
  --host ADDR       address to listen on (default 127.0.0.1; anything else exposes
                    the agent to other machines: only with a reason)
  --page URL        the playground page the printed link opens (default ${DEFAULT_PAGE_ORIGIN}/);
                    its origin may connect
  --origin ORIGIN   another page origin allowed to connect (repeatable); the
                    playground's dev and preview servers (ports 5173 and 4173 on
                    127.0.0.1 or localhost) always may
  --max-sessions N  sessions served at once (default 4)
  --idle SECONDS    close a session after this long without a request (default 900)
  --scenarios DIR   where the built-in scenarios are, for the doctor (default scenarios/)
  --doctor          print what this machine offers for userfaultfd, and exit
  --help            this text`;

/** The playground as `npm run dev` and `npm run preview` serve it, by either name of this machine. */
export const DEFAULT_ORIGINS: readonly string[] = [5173, 4173].flatMap((port) => [
  `http://127.0.0.1:${port}`,
  `http://localhost:${port}`,
]);

function whole(name: string, text: string, min: number, max: number): number | string {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    return `--${name} wants a whole number from ${min} to ${max}; got '${text}'`;
  }
  return Number(text);
}

/** An origin as browsers send it: scheme://host[:port], no path. */
function origin(name: string, text: string): string | { error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: `--${name} wants a URL such as ${DEFAULT_PAGE_ORIGIN}; got '${text}'` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { error: `--${name} wants an http:// or https:// URL; got '${text}'` };
  }
  return url.origin;
}

export function parseAgentArgs(argv: readonly string[]): AgentArgs | { error: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        doctor: { type: 'boolean' },
        host: { type: 'string' },
        port: { type: 'string' },
        page: { type: 'string' },
        origin: { type: 'string', multiple: true },
        'max-sessions': { type: 'string' },
        idle: { type: 'string' },
        scenarios: { type: 'string' },
      },
    }));
  } catch (e) {
    return { error: `${(e as Error).message.split('\n')[0]}; see --help` };
  }
  const port = whole('port', values.port ?? String(DEFAULT_AGENT_PORT), 0, 65535);
  if (typeof port === 'string') return { error: port };
  const maxSessions = whole('max-sessions', values['max-sessions'] ?? '4', 1, 64);
  if (typeof maxSessions === 'string') return { error: maxSessions };
  const idle = whole('idle', values.idle ?? '900', 1, 7 * 24 * 3600);
  if (typeof idle === 'string') return { error: idle };
  const page = values.page ?? `${DEFAULT_PAGE_ORIGIN}/`;
  const origins = [...DEFAULT_ORIGINS];
  for (const [name, text] of [['page', page], ...(values.origin ?? []).map((o) => ['origin', o])] as const) {
    const checked = origin(name, text);
    if (typeof checked !== 'string') return checked;
    if (!origins.includes(checked)) origins.push(checked);
  }
  return {
    help: values.help ?? false,
    doctor: values.doctor ?? false,
    host: values.host ?? '127.0.0.1',
    port,
    page,
    origins,
    maxSessions,
    idleMs: idle * 1000,
    scenarios: values.scenarios,
  };
}

/** The link that opens the playground connected to this agent. */
export function pageLink(page: string, agentUrl: string, token: string): string {
  const url = new URL(page);
  url.searchParams.set('agent', agentUrl);
  url.searchParams.set('token', token);
  // Readable for the colon and slashes of the agent URL, which a query value may hold as they are.
  return url.toString().replace(/%3A/g, ':').replace(/%2F/g, '/');
}
