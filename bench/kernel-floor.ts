// The fault loop with the executor's own parts only — a pooled worker thread touching through the
// C helper, the monitor's poll/read/ioctl through koffi, the worker's eventfd, both on one CPU as
// in a batch — and none of its bookkeeping, settling or results: the fastest the executor's
// design can go on this machine.

import { os } from '../src/node/executor/os';
import { pinTogether } from '../src/node/executor/pin';
import { Region } from '../src/node/executor/region';
import { acquireThread, releaseThread } from '../src/node/executor/thread';

const PAGE = 4096n;
const UFFDIO_API = 0xc018aa3f;
const UFFDIO_REGISTER = 0xc020aa00;
const UFFDIO_COPY = 0xc028aa03;

export async function floorRate(pages: number): Promise<number> {
  const region = Region.claim();
  const thread = await acquireThread();
  const len = BigInt(pages) * PAGE;
  const area = region.placer.place(len);
  const src = region.placer.place(PAGE);
  const flags = 0x22 | 0x100000; // MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE
  const uffd = os.userfaultfd(0o2004000);
  const done = os.eventfd(0o4000);
  const unpin = pinTogether([thread.tid]);
  try {
    if (os.mmap(area, len, 3, flags, -1, 0n) !== area || os.mmap(src, PAGE, 3, flags, -1, 0n) !== src) {
      throw new Error('cannot map the floor benchmark’s areas');
    }
    os.memset(src, 0x41, PAGE);
    const api = Buffer.alloc(24);
    api.writeBigUInt64LE(0xaan, 0);
    const reg = Buffer.alloc(32);
    reg.writeBigUInt64LE(area, 0);
    reg.writeBigUInt64LE(len, 8);
    reg.writeBigUInt64LE(1n, 16);
    if (os.ioctl(uffd, UFFDIO_API, api) || os.ioctl(uffd, UFFDIO_REGISTER, reg))
      throw new Error('uffd setup failed');
    const msg = Buffer.alloc(32);
    const copy = Buffer.alloc(40);
    const counter = Buffer.alloc(8);
    const t0 = performance.now();
    for (let i = 0n; i < BigInt(pages); i++) {
      const addr = area + i * PAGE;
      thread.post('TOUCH', [addr, 1n, 0n, 0n], done);
      while (os.pollAny([uffd], 10) === 0);
      while (os.read(uffd, msg, 32) !== 32);
      copy.writeBigUInt64LE(addr, 0);
      copy.writeBigUInt64LE(src, 8);
      copy.writeBigUInt64LE(PAGE, 16);
      os.ioctl(uffd, UFFDIO_COPY, copy);
      while (thread.busy) os.pollAny([done], 10);
      os.read(done, counter, 8);
    }
    return pages / ((performance.now() - t0) / 1000);
  } finally {
    unpin();
    os.close(uffd);
    os.close(done);
    os.munmap(area, len);
    os.munmap(src, PAGE);
    releaseThread(thread);
    region.release();
  }
}
