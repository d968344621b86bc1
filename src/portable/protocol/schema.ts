// Checking every message on both ends: the agent parses requests with parseRequest, the page parses
// replies and events with parseServerMessage. Bad input becomes an error that names the field.

import * as v from 'valibot';
import { fromWire } from '../model/wire';
import { operationSchema, variantMessage } from './operation-schema';
import {
  ERROR_CODES,
  EVENT_TYPES,
  REQUEST_TYPES,
  type AgentEvent,
  type ErrorCode,
  type Reply,
  type Request,
  type RequestId,
  type ServerMessage,
} from './protocol';
import { backendInfoSchema, doctorSchema, resultSchema } from './result-schema';

/** Deepest nesting of arrays and objects accepted in a message (an operation needs about 6). */
export const MAX_NESTING = 32;

const id = v.pipe(
  v.number('id must be a number'),
  v.safeInteger('id must be a whole number'),
  v.minValue(0, 'id cannot be negative'),
);

const requestSchema: v.GenericSchema<unknown, Request> = v.variant(
  'type',
  [
    v.strictObject({
      type: v.literal('hello'),
      id,
      version: v.pipe(v.number(), v.safeInteger()),
      client: v.optional(v.pipe(v.string(), v.maxLength(100))),
    }),
    v.strictObject({ type: v.literal('run'), id, op: operationSchema }),
    v.strictObject({
      type: v.literal('runBatch'),
      id,
      ops: v.array(operationSchema),
      keep: v.optional(v.picklist(['all', 'last'])),
    }),
    v.strictObject({ type: v.literal('reset'), id }),
    v.strictObject({ type: v.literal('doctor'), id }),
  ],
  (issue) => variantMessage(issue, 'request type', 'a request', REQUEST_TYPES.join(', ')),
);

/** A request that cannot be served, as the agent answers it. */
export interface RequestError {
  readonly id: RequestId | null;
  readonly code: ErrorCode;
  readonly message: string;
  readonly field?: string;
}

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: RequestError };

type Issue = v.BaseIssue<unknown>;

function pathText(path: Issue['path']): string {
  let out = '';
  for (const item of path ?? []) {
    const key = item.key;
    out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * The issue that says most, with its full path. A union's own issue only says "none matched"; when one of
 * its branches got further into the value (its issue has a path), that branch's issue is the one to tell.
 */
function mostTelling(issue: Issue): { issue: Issue; path: Issue['path'] } {
  let current = issue;
  let path = [...(issue.path ?? [])];
  while (current.type === 'union' && current.issues?.length) {
    const furthest = current.issues.reduce((a, b) => ((b.path?.length ?? 0) > (a.path?.length ?? 0) ? b : a));
    if (!furthest.path?.length) break;
    path = [...path, ...furthest.path];
    current = furthest;
  }
  return { issue: current, path: path as Issue['path'] };
}

/** What to tell the sender about the first problem found, and which field it is in. */
function describe(first: Issue): { message: string; field?: string } {
  const { issue, path } = mostTelling(first);
  const field = pathText(path) || undefined;
  if (issue.type === 'strict_object' || issue.type === 'object' || issue.type === 'loose_object') {
    const key = String(path?.at(-1)?.key ?? '');
    if (issue.received === 'undefined') return { message: `missing field '${key}'`, field };
    if (issue.expected === 'never') return { message: `unknown field '${key}'`, field };
  }
  return { message: issue.message, ...(field ? { field } : {}) };
}

/** Whether arrays and objects in JSON text nest deeper than `max` (without parsing it). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

function idOf(value: unknown): RequestId | null {
  if (typeof value !== 'object' || value === null) return null;
  const candidate = (value as { id?: unknown }).id;
  return typeof candidate === 'number' && Number.isSafeInteger(candidate) && candidate >= 0
    ? candidate
    : null;
}

export interface RequestLimits {
  readonly maxBatchOps: number;
}

/** Text from the page → a request, or the error to answer with. Never throws. */
export function parseRequest(text: string, limits: RequestLimits): Parsed<Request> {
  const bad = (message: string, field?: string, reqId: RequestId | null = null): Parsed<Request> => ({
    ok: false,
    error: { id: reqId, code: 'bad-message', message, ...(field ? { field } : {}) },
  });
  if (nestsDeeperThan(text, MAX_NESTING)) return bad(`the message nests deeper than ${MAX_NESTING} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return bad(`the message is not JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return bad('a request is a JSON object with a type and an id');
  }
  const reqId = idOf(value);
  const ops = (value as { type?: unknown; ops?: unknown }).ops;
  if (
    (value as { type?: unknown }).type === 'runBatch' &&
    Array.isArray(ops) &&
    ops.length > limits.maxBatchOps
  ) {
    return {
      ok: false,
      error: {
        id: reqId,
        code: 'limit',
        message: `a batch has at most ${limits.maxBatchOps} operations; this one has ${ops.length}`,
        field: 'ops',
      },
    };
  }
  const parsed = v.safeParse(requestSchema, value);
  if (parsed.success) return { ok: true, value: parsed.output };
  const { message, field } = describe(parsed.issues[0]);
  return bad(message, field, reqId);
}

const replySchema: v.GenericSchema<unknown, Reply> = v.variant('type', [
  v.looseObject({
    type: v.literal('hello'),
    id,
    version: v.number(),
    info: backendInfoSchema,
    limits: v.looseObject({
      maxMessageBytes: v.number(),
      maxBatchOps: v.number(),
      maxQueued: v.number(),
      idleMs: v.number(),
    }),
  }),
  v.looseObject({ type: v.literal('result'), id, result: resultSchema }),
  v.looseObject({
    type: v.literal('results'),
    id,
    results: v.array(resultSchema),
    summary: v.looseObject({ ops: v.number(), errnos: v.number(), usageErrors: v.number() }),
  }),
  v.looseObject({ type: v.literal('reset'), id }),
  v.looseObject({ type: v.literal('doctor'), id, doctor: doctorSchema }),
  v.looseObject({
    type: v.literal('error'),
    id: v.nullable(id),
    code: v.picklist(ERROR_CODES),
    message: v.string(),
    field: v.optional(v.string()),
  }),
]);

const eventSchema: v.GenericSchema<unknown, AgentEvent> = v.variant('type', [
  v.looseObject({
    type: v.literal('thread-blocked'),
    thread: v.string(),
    process: v.string(),
    in: v.picklist(['fault', 'event']),
    address: v.optional(v.bigint()),
    uffd: v.optional(v.string()),
  }),
  v.looseObject({
    type: v.literal('thread-finished'),
    thread: v.string(),
    process: v.string(),
    state: v.picklist(['done', 'sigbus', 'exited']),
  }),
  v.looseObject({ type: v.literal('readable'), uffd: v.string(), pending: v.number(), events: v.number() }),
  v.looseObject({ type: v.literal('closing'), reason: v.string() }),
]);

/** Text from the agent → a reply or an event, or what is wrong with it. Never throws. */
export function parseServerMessage(
  text: string,
): { ok: true; value: ServerMessage } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = fromWire(text);
  } catch (e) {
    return { ok: false, error: `not wire JSON: ${(e as Error).message}` };
  }
  const type = (value as { type?: unknown } | null)?.type;
  const schema = (EVENT_TYPES as readonly unknown[]).includes(type) ? eventSchema : replySchema;
  const parsed = v.safeParse(schema, value);
  if (parsed.success) return { ok: true, value: parsed.output };
  const { message, field } = describe(parsed.issues[0]);
  return { ok: false, error: field ? `${field}: ${message}` : message };
}
