// A line editor over a terminal's input stream: typing, the cursor keys, history, tab completion,
// Ctrl-C / Ctrl-U / Ctrl-L. It writes ANSI to the terminal and hands complete lines on; it knows
// nothing of xterm itself (tests drive it with @xterm/headless).

import { commonPrefix, type Completion } from '../../portable/console/complete';

export interface TerminalIO {
  write(data: string): void;
  clear(): void;
}

export interface EditorHandlers {
  onLine(line: string): void;
  complete(line: string, cursor: number): Completion;
}

export const PROMPT = '\x1b[1;36muffd$\x1b[0m ';
const PROMPT_WIDTH = 6;

export class LineEditor {
  private line = '';
  private pos = 0;
  private readonly history: string[] = [];
  private historyAt = 0;
  private stash = '';
  private readonly io: TerminalIO;
  private readonly handlers: EditorHandlers;

  constructor(io: TerminalIO, handlers: EditorHandlers) {
    this.io = io;
    this.handlers = handlers;
  }

  get text(): string {
    return this.line;
  }

  get commands(): readonly string[] {
    return this.history;
  }

  prompt(): void {
    this.io.write(`\r\x1b[2K${PROMPT}`);
    this.redraw();
  }

  /** Prints output above the line being edited, then shows the prompt and the line again. */
  print(text: string): void {
    this.io.write(`\r\x1b[2K${text.replace(/\n/g, '\r\n')}\r\n`);
    this.prompt();
  }

  /** Puts text back on the line (a command that failed, to be fixed). */
  setLine(text: string, cursor = text.length): void {
    this.line = text;
    this.pos = Math.max(0, Math.min(cursor, text.length));
    this.prompt();
  }

  private redraw(): void {
    this.io.write(`\r\x1b[2K${PROMPT}${this.line}`);
    const back = this.line.length - this.pos;
    if (back > 0) this.io.write(`\x1b[${back}D`);
  }

  private insert(s: string): void {
    this.line = this.line.slice(0, this.pos) + s + this.line.slice(this.pos);
    this.pos += s.length;
    this.redraw();
  }

  private submit(): void {
    const line = this.line;
    this.io.write('\r\n');
    if (line.trim() && this.history.at(-1) !== line) this.history.push(line);
    this.historyAt = this.history.length;
    this.line = '';
    this.pos = 0;
    this.handlers.onLine(line);
  }

  private walkHistory(by: number): void {
    const next = this.historyAt + by;
    if (next < 0 || next > this.history.length) return;
    if (this.historyAt === this.history.length) this.stash = this.line;
    this.historyAt = next;
    this.line = next === this.history.length ? this.stash : this.history[next]!;
    this.pos = this.line.length;
    this.redraw();
  }

  private tab(): void {
    const c = this.handlers.complete(this.line, this.pos);
    if (c.candidates.length === 0) return;
    const typed = this.line.slice(c.start, this.pos);
    const common = c.candidates.length === 1 ? `${c.candidates[0]!} ` : commonPrefix(c.candidates);
    if (common.length > typed.length) {
      this.line = this.line.slice(0, c.start) + common + this.line.slice(c.end);
      this.pos = c.start + common.length;
      this.redraw();
      return;
    }
    const list = c.candidates.slice(0, 60).join('  ') + (c.candidates.length > 60 ? '  …' : '');
    this.print(`\x1b[90m${list}\x1b[0m`);
  }

  /** Feeds what the terminal sent (keys, pastes). */
  feed(data: string): void {
    // Escape sequences (cursor keys, Delete) arrive whole; everything else a character at a time.
    // eslint-disable-next-line no-control-regex
    const seqs = data.match(/\x1b\[[0-9;]*[A-Za-z~]|\x1bO[A-Za-z]|[\s\S]/g) ?? [];
    for (const s of seqs) this.key(s);
  }

  private key(s: string): void {
    switch (s) {
      case '\r':
      case '\n':
        return this.submit();
      case '\x7f':
      case '\b':
        if (this.pos > 0) {
          this.line = this.line.slice(0, this.pos - 1) + this.line.slice(this.pos);
          this.pos--;
          this.redraw();
        }
        return;
      case '\x1b[3~':
        this.line = this.line.slice(0, this.pos) + this.line.slice(this.pos + 1);
        return this.redraw();
      case '\x1b[D':
      case '\x1bOD':
        this.pos = Math.max(0, this.pos - 1);
        return this.redraw();
      case '\x1b[C':
      case '\x1bOC':
        this.pos = Math.min(this.line.length, this.pos + 1);
        return this.redraw();
      case '\x1b[A':
      case '\x1bOA':
        return this.walkHistory(-1);
      case '\x1b[B':
      case '\x1bOB':
        return this.walkHistory(1);
      case '\x1b[H':
      case '\x1bOH':
      case '\x01':
        this.pos = 0;
        return this.redraw();
      case '\x1b[F':
      case '\x1bOF':
      case '\x05':
        this.pos = this.line.length;
        return this.redraw();
      case '\t':
        return this.tab();
      case '\x03':
        this.io.write('^C\r\n');
        this.line = '';
        this.pos = 0;
        return this.prompt();
      case '\x15':
        this.line = this.line.slice(this.pos);
        this.pos = 0;
        return this.redraw();
      case '\x0c':
        this.io.clear();
        return this.prompt();
      default:
        if (s.length === 1 && s >= ' ') this.insert(s);
    }
  }
}

/** The width the prompt takes, for carets under a column of the line. */
export const promptWidth = PROMPT_WIDTH;
