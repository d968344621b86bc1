// Who may open a session, decided on the HTTP upgrade request before any WebSocket exists:
// the Host is this machine (when listening on loopback), the Origin is an allowed page (or absent),
// and the token is the one printed at start.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time in the token's content (both sides are hashed to the same length first). */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface UpgradePolicy {
  readonly token: string;
  /** Origins allowed to connect: `http://127.0.0.1:5173`. */
  readonly origins: readonly string[];
  /**
   * Only when listening on loopback: the Host header must name this machine, so a page on another
   * site that re-points its own name at 127.0.0.1 (DNS rebinding) is refused even before its token.
   */
  readonly loopbackOnly: boolean;
}

export type UpgradeVerdict =
  { readonly ok: true } | { readonly ok: false; readonly status: number; readonly reason: string };

/**
 * Text from the network made safe to print in the agent's console or echo back: printable ASCII
 * only (no terminal escapes), and not too long.
 */
export function printable(text: string, max = 100): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i;

function tokenOf(url: string): string | null {
  try {
    return new URL(url, 'http://agent').searchParams.get('token');
  } catch {
    return null;
  }
}

const refuse = (status: number, reason: string): UpgradeVerdict => ({ ok: false, status, reason });

/**
 * A request with no Origin header comes from something that is not a browser page (a command-line
 * tool, a test): browsers always send Origin on a WebSocket handshake. It is let through on the token
 * alone, which is what authenticates it anyway.
 */
export function checkUpgrade(req: IncomingMessage, policy: UpgradePolicy): UpgradeVerdict {
  const host = req.headers.host ?? '';
  if (policy.loopbackOnly && !LOOPBACK_HOST.test(host)) {
    return refuse(403, `Host '${printable(host)}' is not this machine`);
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !policy.origins.includes(origin)) {
    return refuse(
      403,
      `Origin '${printable(origin)}' is not allowed (allowed: ${policy.origins.join(', ')}; see --origin)`,
    );
  }
  const token = tokenOf(req.url ?? '/');
  if (token === null) return refuse(401, 'no token; use the URL the agent printed');
  if (!tokenMatches(token, policy.token)) return refuse(401, 'wrong token; use the URL the agent printed');
  return { ok: true };
}
