// `npm run agent`: serves the playground's real-kernel sessions over a WebSocket on this machine.
// `npm run agent -- --doctor` prints what this machine offers for userfaultfd and exits.

import { fileURLToPath } from 'node:url';
import { formatDoctor } from '../../portable/protocol/doctor';
import { PROTOCOL_VERSION } from '../../portable/protocol/protocol';
import { pageLink, parseAgentArgs, USAGE } from './args';
import { newToken } from './auth';
import { buildDoctor, cannotHere } from './doctor';
import { closeSessionsOnExit, createKernelSession, disposeAllSessions, probeKernelFacts } from './kernel';
import {
  DEFAULT_HARD_MAX_PAYLOAD,
  DEFAULT_LIMITS,
  DEFAULT_MAX_UNREAD_BYTES,
  isLoopback,
  startAgent,
  type RunningAgent,
} from './server';

/** How long a shutdown may take before the agent stops waiting for sessions to end. */
const SHUTDOWN_GRACE_MS = 10_000;

const time = (): string => new Date().toTimeString().slice(0, 8);

/**
 * The console may go away under a running agent (its terminal closed, the reader of its pipe exited).
 * Writing on would fail again and again; the agent then serves silently, and still stops on a signal.
 */
let consoleGone = false;
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => (consoleGone = true));

function log(line: string): void {
  if (consoleGone) return;
  try {
    console.log(`${time()} ${line}`);
  } catch {
    consoleGone = true;
  }
}

function fail(message: string, status = 2): never {
  console.error(`agent: ${message}`);
  process.exit(status);
}

async function main(): Promise<void> {
  const args = parseAgentArgs(process.argv.slice(2));
  if ('error' in args) fail(args.error);
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const scenarioDir = args.scenarios ?? fileURLToPath(new URL('../../../scenarios', import.meta.url));
  const doctor = () => buildDoctor(probeKernelFacts(), scenarioDir);
  if (args.doctor) {
    console.log(formatDoctor(await doctor()).join('\n'));
    return;
  }

  const token = newToken();
  // The signals below end the sessions in order; any other way out still closes their uffds first.
  closeSessionsOnExit();
  let agent: RunningAgent;
  try {
    agent = await startAgent({
      host: args.host,
      port: args.port,
      token,
      origins: args.origins,
      limits: { ...DEFAULT_LIMITS, idleMs: args.idleMs },
      maxSessions: args.maxSessions,
      hardMaxPayload: DEFAULT_HARD_MAX_PAYLOAD,
      maxUnreadBytes: DEFAULT_MAX_UNREAD_BYTES,
      createBackend: () => createKernelSession(),
      doctor,
      log,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE')
      fail(`port ${args.port} on ${args.host} is in use (another agent?); pick another with --port`);
    if (err.code === 'EADDRNOTAVAIL') fail(`${args.host} is not an address of this machine`);
    fail(`cannot listen on ${args.host}:${args.port}: ${err.message}`, 1);
  }

  const facts = probeKernelFacts();
  const who = facts.user.root ? 'as root' : `as uid ${facts.user.uid} (not root)`;
  console.log(
    `uffd-playground agent (protocol ${PROTOCOL_VERSION}) on ${agent.url}, kernel ${facts.kernel.release}, ${who}`,
  );
  if (!isLoopback(args.host)) {
    console.log(
      `WARNING: listening on ${args.host}, not only on this machine: anyone who can reach this port and ` +
        'has the token can run operations on this kernel' +
        (facts.user.root ? ', as root.' : '.'),
    );
  }
  console.log(
    `\nOpen the playground connected to this agent:\n\n  ${pageLink(args.page, agent.url, token)}\n`,
  );
  console.log(`Pages from ${args.origins.join(', ')} may connect (--origin adds one).`);
  for (const c of cannotHere(facts)) console.log(`  cannot here: ${c}`);
  console.log('Ctrl-C ends every session and stops the agent.\n');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: stopping at once`);
      process.kill(process.pid, 'SIGKILL');
    }
    stopping = true;
    log(`${signal}: ending every session`);
    const grace = setTimeout(() => {
      log(`sessions did not end within ${SHUTDOWN_GRACE_MS / 1000} s; stopping at once`);
      process.kill(process.pid, 'SIGKILL');
    }, SHUTDOWN_GRACE_MS);
    grace.unref();
    void agent
      .close('the agent is shutting down')
      .then(disposeAllSessions)
      .then(() => {
        log('stopped');
        process.exit(0);
      });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
  // A long-running server: an unexpected error is reported and the agent carries on serving.
  process.on('uncaughtException', (e) => log(`unexpected error: ${e.stack ?? e}`));
  process.on('unhandledRejection', (e) => log(`unexpected error: ${e instanceof Error ? e.stack : e}`));
}

await main();
