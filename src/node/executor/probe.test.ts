// probeKernel() on this machine: what the doctor will print. These machines run 6.18 as root.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeKernel } from './probe';

describe('probeKernel', () => {
  it('reports the kernel, how userfaultfd can be used, its features and ioctls, huge pages and the helper', () => {
    const fds = readdirSync('/proc/self/fd').length;
    const p = probeKernel();
    expect(p.release).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    expect(p.userModeOnly).toEqual({ ok: true });
    expect(p.api?.ioctls).toBe(0x8000000000000003n);
    expect(p.api?.ioctlNames).toEqual(['_UFFDIO_REGISTER', '_UFFDIO_UNREGISTER', '_UFFDIO_API']);
    expect(p.api?.featureNames).toContain('UFFD_FEATURE_EVENT_FORK');
    expect(p.hugePages.size).toBe(2 << 20);
    expect(p.helper).toEqual({ ok: true });
    const sysctl = Number(readFileSync('/proc/sys/vm/unprivileged_userfaultfd', 'utf8'));
    expect(p.unprivilegedUserfaultfd).toBe(sysctl);
    // The syscall without UFFD_USER_MODE_ONLY needs CAP_SYS_PTRACE unless the sysctl allows it.
    expect(p.syscall.ok).toBe(p.capSysPtrace || sysctl === 1);
    expect(p.devUserfaultfd.exists).toBe(true);
    expect(p.devUserfaultfd.ok).toBe(p.root);
    if (p.root) {
      expect(p.api?.features).toBe(0x1ffffn);
      expect(p.hugePages.canReserve).toBe(true);
    }
    expect(readdirSync('/proc/self/fd').length).toBe(fds);
  });
});
