import { describe, expect, it } from 'vitest';
import { ERRNO, type ErrnoName } from './errno';
import { ERRNO_MEANINGS, errnoMeanings } from './errno-meanings';
import { IOCTLS } from './names';

// The ERRORS sections of ioctl_userfaultfd(2) (man-pages 5.05), per ioctl.
const MAN_PAGE_ERRORS: Record<string, ErrnoName[]> = {
  UFFDIO_API: ['EFAULT', 'EINVAL'],
  UFFDIO_REGISTER: ['EBUSY', 'EFAULT', 'EINVAL'],
  UFFDIO_UNREGISTER: ['EINVAL'],
  UFFDIO_COPY: ['EAGAIN', 'EINVAL', 'ENOENT', 'ENOSPC', 'ESRCH'],
  UFFDIO_ZEROPAGE: ['EAGAIN', 'EINVAL', 'ESRCH'],
  UFFDIO_WAKE: ['EINVAL'],
};

describe('errno meanings', () => {
  it('explains every error the man page lists for each ioctl', () => {
    for (const [call, errnos] of Object.entries(MAN_PAGE_ERRORS)) {
      for (const e of errnos) expect(errnoMeanings(call, e), `${call} ${e}`).not.toEqual([]);
    }
  });

  it('has an entry for every ioctl, each with EINVAL', () => {
    for (const i of IOCTLS) expect(errnoMeanings(i.name, 'EINVAL').length, i.name).toBeGreaterThan(0);
  });

  it('adds the general causes to every ioctl but UFFDIO_API', () => {
    const copy = errnoMeanings('UFFDIO_COPY', ERRNO.EINVAL);
    expect(copy.some((m) => m.includes('not yet been enabled'))).toBe(true);
    expect(errnoMeanings('UFFDIO_API', ERRNO.EINVAL).some((m) => m.includes('not yet been enabled'))).toBe(
      false,
    );
  });

  it('accepts numbers and names alike, and knows nothing of unlisted pairs', () => {
    expect(errnoMeanings('UFFDIO_COPY', 17)).toEqual(errnoMeanings('UFFDIO_COPY', 'EEXIST'));
    expect(errnoMeanings('UFFDIO_WAKE', 'EEXIST')).toEqual([]);
    expect(errnoMeanings('no-such-call', 'EINVAL')).toEqual([]);
  });

  it('uses only errno names the errno table knows', () => {
    for (const meanings of Object.values(ERRNO_MEANINGS)) {
      for (const name of Object.keys(meanings)) expect(ERRNO).toHaveProperty(name);
    }
  });
});
