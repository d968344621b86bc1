// One console line → what to do: an operation (call syntax or a short form), a console command, or
// nothing. Errors are ConsoleErrors with the column of the problem.

import type { Operation } from '../model/operation';
import { parseCall, type Spans } from './parse-call';
import { Args, SHORT_BY_NAME, type ShortContext } from './short';
import { didYouMean } from '../scenario/suggest';
import { SIGNATURE_BY_FN, usage } from './signatures';
import { ConsoleError, type Word } from './syntax';

/** Commands the console itself handles; they are not operations. */
export const META_COMMANDS = {
  help: 'help [COMMAND]: what a command does and how to write it',
  clear: 'clear: clears the screen (the session stays)',
  history: 'history: the commands typed so far',
  auto: 'auto: the auto monitor does one step (read a message, or resolve the oldest read fault)',
} as const;

export type MetaCommand = keyof typeof META_COMMANDS;

export type ParsedLine =
  | { readonly kind: 'empty' }
  | { readonly kind: 'meta'; readonly command: MetaCommand; readonly arg?: string }
  | { readonly kind: 'op'; readonly op: Operation; readonly spans: Spans };

/** Every command word the console knows: calls, short forms, console commands. */
export function commandNames(): string[] {
  return [
    ...new Set([...SIGNATURE_BY_FN.keys(), ...SHORT_BY_NAME.keys(), ...Object.keys(META_COMMANDS)]),
  ].sort();
}

const CALL_START = /^\s*[A-Za-z_$][\w$@.]*\s*[=(]/;

function words(text: string): Word[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

export function parseLine(line: string, ctx: ShortContext = {}): ParsedLine {
  const text = line.replace(/;\s*$/, '');
  if (text.trim() === '' || text.trim().startsWith('#')) return { kind: 'empty' };
  if (CALL_START.test(text)) {
    const { op, spans } = parseCall(text, ctx);
    return { kind: 'op', op, spans };
  }
  const [cmd, ...rest] = words(text);
  const name = cmd!.text;
  if (name in META_COMMANDS) {
    return { kind: 'meta', command: name as MetaCommand, ...(rest[0] ? { arg: rest[0].text } : {}) };
  }
  const form = SHORT_BY_NAME.get(name);
  if (form) {
    const op = form.build(new Args(rest, form, text.trimEnd().length), ctx);
    return { kind: 'op', op, spans: new Map() };
  }
  const sig = SIGNATURE_BY_FN.get(name);
  if (sig) throw new ConsoleError(`${name} takes arguments: ${usage(sig)}`, cmd!.start, cmd!.end);
  throw new ConsoleError(
    `unknown command '${name}'${didYouMean(name, commandNames())} (type help)`,
    cmd!.start,
    cmd!.end,
  );
}
