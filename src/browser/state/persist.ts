// The session survives a reload (localStorage) and travels as a link: the saved session as JSON,
// deflated with the browser's own CompressionStream('deflate-raw'), in base64url, in the URL's hash
// (so it never reaches a server).

import { fromWire, toWire } from '../../portable/model/wire';
import type { SavedSession } from './store';

export const STORAGE_KEY = 'uffd-playground/session@1';
export const HASH_KEY = 's';

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** A saved session, checked enough that a bad one is refused rather than half-loaded. */
export function checkSaved(value: unknown): SavedSession {
  const s = value as Partial<SavedSession> | null;
  if (!s || s.v !== 1) throw new Error('not a saved session of this version');
  if (typeof s.kernel !== 'string') throw new Error('the saved session has no kernel');
  if (!Array.isArray(s.entries) || !s.entries.every((e) => e && typeof e.op?.op === 'string')) {
    throw new Error('the saved session has no list of operations');
  }
  if (typeof s.cursor !== 'number' || !Number.isInteger(s.cursor))
    throw new Error('the saved session has no step');
  return s as SavedSession;
}

export async function encodeSession(s: SavedSession): Promise<string> {
  const json = new TextEncoder().encode(toWire(s));
  return toBase64Url(await pipe(json, new CompressionStream('deflate-raw')));
}

export async function decodeSession(text: string): Promise<SavedSession> {
  let json: string;
  try {
    json = new TextDecoder().decode(await pipe(fromBase64Url(text), new DecompressionStream('deflate-raw')));
  } catch {
    throw new Error('the link is damaged: its session does not decompress');
  }
  return checkSaved(fromWire(json));
}

/** The session in a link's hash (`#s=...`), if there is one. */
export function sessionFromHash(hash: string): string | undefined {
  return new URLSearchParams(hash.replace(/^#/, '')).get(HASH_KEY) ?? undefined;
}

export async function shareLink(
  s: SavedSession,
  location: Pick<Location, 'origin' | 'pathname' | 'search'>,
): Promise<string> {
  return `${location.origin}${location.pathname}${location.search}#${HASH_KEY}=${await encodeSession(s)}`;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function saveLocal(storage: KeyValueStorage, s: SavedSession): void {
  try {
    storage.setItem(STORAGE_KEY, toWire(s));
  } catch {
    // A full or disabled storage loses the reload copy only; the session itself is unaffected.
  }
}

export function loadLocal(storage: KeyValueStorage): SavedSession | undefined {
  const text = storage.getItem(STORAGE_KEY);
  if (!text) return undefined;
  try {
    return checkSaved(fromWire(text));
  } catch {
    return undefined;
  }
}
