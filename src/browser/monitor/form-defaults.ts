// What each field of a call's form shows until the user types in it, from the session: the newest
// uffd, the target page or the first area, fresh names, the flags a call is usually made with.

import type { Snapshot } from '../../portable/model/snapshot';
import { pageInfo } from '../grid/page-info';
import { defaultUffd, freshNameFor } from '../session/names';
import type { PageRef } from '../state/store';
import type { CallId } from './calls';
import { fieldsOf, type FieldSpec, type Value, type Values } from './form-spec';

export interface FormContext {
  readonly snapshot: Snapshot;
  readonly selection?: PageRef;
  readonly activeThread: string;
  /**
   * The session runs on an agent that may create a userfaultfd only with UFFD_USER_MODE_ONLY (not
   * root, no CAP_SYS_PTRACE, vm.unprivileged_userfaultfd=0): the form offers it from the start.
   */
  readonly userModeOnly?: boolean;
}

/** Calls whose length defaults to the whole area rather than one page. */
const WHOLE_AREA: readonly CallId[] = ['UFFDIO_REGISTER', 'UFFDIO_UNREGISTER', 'munmap', 'mremap'];

/** What a field shows until the user types in it. */
export function defaultValue(call: CallId, f: FieldSpec, ctx: FormContext): Value {
  const s = ctx.snapshot;
  const target = ctx.selection ? pageInfo(s, ctx.selection.area, ctx.selection.page) : undefined;
  const area = target?.area ?? s.areas.find((a) => !a.name.startsWith('$') && a.process === 'main');
  const unit = area && area.pageSize > s.pageSize ? 'h' : 'p';
  const at = target?.relative ?? area?.name ?? '';
  switch (f.kind) {
    case 'fd':
      if (call === 'USERFAULTFD_IOC_NEW') return s.fds.at(-1)?.name ?? 'dev';
      return defaultUffd(s) ?? 'uffd';
    case 'flags':
      if (call === 'userfaultfd' && ctx.userModeOnly)
        return ['O_CLOEXEC', 'O_NONBLOCK', 'UFFD_USER_MODE_ONLY'];
      if (call === 'userfaultfd' || call === 'USERFAULTFD_IOC_NEW') return ['O_CLOEXEC', 'O_NONBLOCK'];
      if (call === 'open') return ['O_CLOEXEC'];
      if (call === 'UFFDIO_REGISTER') return ['UFFDIO_REGISTER_MODE_MISSING'];
      if (call === 'UFFDIO_WRITEPROTECT') return ['UFFDIO_WRITEPROTECT_MODE_WP'];
      if (call === 'mmap') return ['PROT_READ', 'PROT_WRITE'];
      if (call === 'mremap') return ['MREMAP_MAYMOVE'];
      return [];
    case 'choice':
      return f.options[0]!;
    case 'bool':
      return false;
    case 'byte':
      return '';
    case 'src':
      return 'fill:0x41';
    case 'name':
      switch (f.key) {
        case 'as':
          return freshNameFor(
            call === 'mmap' || call === 'mremap' ? 'mmap' : call === 'open' ? 'open' : 'userfaultfd',
            s,
          );
        case 'child':
          return freshNameFor('fork', s);
        case 'process':
          return s.processes.filter((p) => p.name !== 'main').at(-1)?.name ?? 'c';
        case 'thread':
          return ctx.activeThread;
        default:
          return '';
      }
    case 'expr':
      switch (f.key) {
        case 'api':
          return 'UFFD_API';
        case 'size':
          return '32';
        case 'range.start':
        case 'start':
          return call === 'UFFDIO_REGISTER' || call === 'UFFDIO_UNREGISTER' ? (area?.name ?? '') : at;
        case 'range.len':
        case 'len':
        case 'oldLen':
        case 'newLen':
          if (call === 'mmap') return '4p';
          if (call === 'touch') return '';
          if (area && WHOLE_AREA.includes(call)) {
            return `${area.pages.length}${unit}`;
          }
          return `1${unit}`;
        case 'dst':
        case 'addr':
          return call === 'munmap' || call === 'mremap' ? (area?.name ?? '') : at;
        case 'src':
          return '';
        default:
          return '';
      }
  }
}

/** The values shown: what the user typed, else the defaults. */
export function formValues(call: CallId, draft: Values, ctx: FormContext): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const f of fieldsOf(call)) {
    out[f.key] = draft[f.key] ?? defaultValue(call, f, ctx);
    if (f.kind === 'flags') out[`${f.key}.extra`] = draft[`${f.key}.extra`] ?? '';
  }
  return out;
}
