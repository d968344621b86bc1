// Without root the executor uses what it is allowed (UFFD_USER_MODE_ONLY) and says what it cannot
// do. As root the test drops to an unprivileged user (setpriv) to see it; as a user it runs as is.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const FIXTURE = join(import.meta.dirname, 'unprivileged-fixture.ts');
const NOBODY = '65534';

describe('an unprivileged session', () => {
  it('works with UFFD_USER_MODE_ONLY and reports EPERM, EACCES and no huge pages plainly', () => {
    const root = process.getuid?.() === 0;
    const cmd = root
      ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath]
      : [process.execPath];
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), '--import', 'tsx', FIXTURE], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as {
      uid: number;
      results: { op: string; ret: number; errno?: number; usageError?: string; blocked?: boolean }[];
      page0: number;
      t1: string;
      probe: { root: boolean; userModeOnly: { ok: boolean }; syscall: { ok: boolean; error?: string } };
    };
    expect(out.uid).not.toBe(0);
    const [, plain, , forkFeature, , , register, touch, read, zero, dev, huge] = out.results;
    // Without UFFD_USER_MODE_ONLY the syscall needs CAP_SYS_PTRACE or vm.unprivileged_userfaultfd=1.
    if (readFileSync('/proc/sys/vm/unprivileged_userfaultfd', 'utf8').trim() === '0') {
      expect(plain).toMatchObject({ ret: -1, errno: 1 });
      expect(out.probe.syscall).toEqual({ ok: false, error: 'EPERM' });
    }
    expect(forkFeature).toMatchObject({ ret: -1, errno: 1 });
    expect(register?.ret).toBe(0);
    expect(touch?.blocked).toBe(true);
    expect(read?.ret).toBe(32);
    expect(zero?.ret).toBe(0);
    expect(out.t1).toBe('done');
    // MAPPED|PRESENT|ZERO: the zero page is seen without root (PAGEMAP_SCAN's PAGE_IS_PFNZERO).
    expect(out.page0).toBe(7);
    expect(dev).toMatchObject({ ret: -1, errno: 13 });
    // Unless another session has reserved huge pages meanwhile, it cannot map one, and says why.
    if (huge?.ret === -1) expect(huge.usageError).toMatch(/only root can reserve/);
    expect(out.probe).toMatchObject({ root: false, userModeOnly: { ok: true } });
  });
});
