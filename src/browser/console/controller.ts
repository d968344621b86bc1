// The console's behaviour, apart from xterm: lines in, operations to the session, results and errors
// out as coloured text. What the forms, the auto monitor and the timeline do is echoed as the
// equivalent command, so the console reads as the session's transcript.

import {
  ConsoleError,
  complete,
  describeResult,
  helpLines,
  parseLine,
  printOperation,
} from '../../portable/console';
import type { Tone } from '../../portable/console/describe';
import type { Spans } from '../../portable/console/parse-call';
import type { Operation } from '../../portable/model/operation';
import type { Result } from '../../portable/model/result';
import { SINCE, hasConstant } from '../../portable/uapi/history';
import { defaultUffd, freshNameFor } from '../session/names';
import { snapshotOf, type Playground, type Source, type TranscriptEvent } from '../state/store';
import { LineEditor, PROMPT, promptWidth, type TerminalIO } from './line-editor';

const COLOR: Record<Tone, string> = { ok: '32', error: '31', info: '36', dim: '90' };
const paint = (tone: Tone, text: string) => `\x1b[${COLOR[tone]}m${text}\x1b[0m`;
const dim = (text: string) => paint('dim', text);

const FROM: Record<Source, string> = {
  form: 'monitor',
  console: 'console',
  auto: 'auto monitor',
  thread: 'threads',
  step: 'step',
};

/** What the profile's kernel lacks of this call, said before it runs (the kernel will refuse it). */
export function missingFromProfile(op: Operation, kernel: string): string | undefined {
  const name =
    op.op === 'open'
      ? '/dev/userfaultfd'
      : op.op === 'ioctl' && typeof op.request === 'string'
        ? op.request
        : undefined;
  if (!name || hasConstant(kernel, name)) return undefined;
  return `${name} appeared in Linux ${SINCE[name]}; kernel ${kernel} does not have it`;
}

export class ConsoleController {
  private readonly editor: LineEditor;
  private readonly pg: Playground;
  private readonly io: TerminalIO;
  private unsubscribe?: () => void;

  constructor(io: TerminalIO, pg: Playground) {
    this.io = io;
    this.pg = pg;
    this.editor = new LineEditor(io, {
      onLine: (line) => void this.run(line),
      complete: (line, cursor) => complete(line, cursor, this.names()),
    });
  }

  private names(): string[] {
    const s = snapshotOf(this.pg.store.getState());
    return [
      ...s.areas.filter((a) => !a.name.startsWith('$')).map((a) => a.name),
      ...s.uffds.map((u) => u.name),
      ...s.fds.map((f) => f.name),
      ...s.threads.map((t) => t.name),
      ...s.processes.map((p) => p.name),
    ];
  }

  /** Prints the banner and the session so far, then listens for what happens next. */
  start(): void {
    const s = this.pg.store.getState();
    this.io.write(
      dim('uffd-playground console: C-like calls and short forms. help lists them; Tab completes.\r\n'),
    );
    for (let i = 0; i < s.cursor; i++) {
      const r = s.results[i];
      if (r) this.writeResult(r, printOperation(s.entries[i]!.op));
    }
    this.unsubscribe = this.pg.onTranscript((e) => this.onEvent(e));
    this.editor.prompt();
  }

  dispose(): void {
    this.unsubscribe?.();
  }

  feed(data: string): void {
    this.editor.feed(data);
  }

  /** Output lines above the prompt. */
  private out(lines: readonly string[]): void {
    if (lines.length) this.editor.print(lines.join('\n'));
    else this.editor.prompt();
  }

  private resultLines(r: Result): string[] {
    return describeResult(r).map((l) => paint(l.tone, l.text));
  }

  private writeResult(r: Result, command: string, from?: string): void {
    this.io.write(`\r\x1b[2K${PROMPT}${command}${from ? dim(`   # ${from}`) : ''}\r\n`);
    for (const l of this.resultLines(r)) this.io.write(`${l}\r\n`);
  }

  private onEvent(e: TranscriptEvent): void {
    switch (e.kind) {
      case 'run':
      case 'rejected':
        if (e.source === 'console') return;
        this.writeResult(e.result, printOperation(e.result.op), FROM[e.source]);
        return this.editor.prompt();
      case 'moved':
        return this.out([dim(`# at step ${e.cursor} of ${e.total}`)]);
      case 'note':
        return this.out([dim(`# ${e.text}`)]);
    }
  }

  private caret(line: string, at: number, end: number, message: string): string[] {
    return [
      paint(
        'error',
        `${' '.repeat(promptWidth + at)}${'^'.repeat(Math.max(1, Math.min(end, line.length + 1) - at))}`,
      ),
      paint('error', `error at column ${at + 1}: ${message}`),
    ];
  }

  async run(line: string): Promise<void> {
    const snap = snapshotOf(this.pg.store.getState());
    let parsed;
    try {
      const fd = defaultUffd(snap);
      parsed = parseLine(line, {
        ...(fd ? { defaultUffd: fd } : {}),
        freshName: (op) => freshNameFor(op, snap),
      });
    } catch (e) {
      if (!(e instanceof ConsoleError)) throw e;
      this.editor.print(this.caret(line, e.at, e.end, e.message).join('\n'));
      this.editor.setLine(line, e.at);
      return;
    }
    switch (parsed.kind) {
      case 'empty':
        return this.editor.prompt();
      case 'meta':
        return this.meta(parsed.command, parsed.arg);
      case 'op':
        return this.perform(line, parsed.op, parsed.spans);
    }
  }

  private async perform(line: string, op: Operation, spans: Spans): Promise<void> {
    const text = printOperation(op);
    if (text !== line.trim().replace(/;$/, '')) this.io.write(`${dim(`  → ${text}`)}\r\n`);
    const lacks = missingFromProfile(op, this.pg.store.getState().kernel);
    if (lacks) this.io.write(`${paint('info', `  ${lacks}`)}\r\n`);
    const r = await this.pg.store.getState().actions.perform(op, 'console');
    if (r.usageError) {
      const span = r.usageError.field ? spans.get(r.usageError.field) : undefined;
      const lines = span
        ? this.caret(line, span.start, span.end, r.usageError.message)
        : [
            paint(
              'error',
              `not run: ${r.usageError.message}${r.usageError.field ? ` (${r.usageError.field})` : ''}`,
            ),
          ];
      this.editor.print(lines.join('\n'));
      this.editor.setLine(line, span?.start);
      return;
    }
    this.out(this.resultLines(r));
  }

  private async meta(command: string, arg?: string): Promise<void> {
    switch (command) {
      case 'help':
        return this.out(helpLines(arg));
      case 'clear':
        this.io.clear();
        return this.editor.prompt();
      case 'history':
        return this.out(this.editor.commands.map((c, i) => `${String(i + 1).padStart(4)}  ${c}`));
      case 'auto': {
        const r = await this.pg.store.getState().actions.autoStep();
        if (!r) this.out([dim('the auto monitor has nothing to do')]);
        return;
      }
    }
  }
}
