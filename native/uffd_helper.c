/*
 * The real-kernel executor's C helper: the few things Node cannot do safely from JavaScript.
 *
 * 1. A memory access that survives SIGBUS and SIGSEGV (uh_touch). UFFD_FEATURE_SIGBUS, a poisoned
 *    page or a hugetlb page with no reservation raise SIGBUS in the touching thread; left alone it
 *    would kill the whole Node process. Each touch runs under a per-thread sigsetjmp; the handler
 *    siglongjmps back when the fault hit a touch in progress and chains to the previous handler
 *    otherwise (V8 has its own SIGSEGV handler for WebAssembly bounds checks).
 *
 * 2. fork (uh_fork). Forking a multi-threaded Node process is only safe if the child never runs
 *    JavaScript again, nor anything that takes a lock another thread may have held at fork time
 *    (malloc, stdio). So the child stays in this file: it closes every fd but its two pipes, then
 *    loops reading fixed-size commands (touch, madvise, munmap, mremap, mmap, exit), doing them with
 *    raw system calls and async-signal-safe calls only,
 *    writing fixed-size results, and leaves with _exit. fork is the raw syscall, not glibc's
 *    fork(), so no pthread_atfork handler of any library runs in the child. It is called from a
 *    worker thread: with UFFD_FEATURE_EVENT_FORK the parent's fork blocks until the monitor reads
 *    the FORK message.
 *
 * 3. SIGUSR1 with a handler that does nothing, so a `signal` operation interrupts a thread blocked
 *    in a fault (it leaves the queue and faults again) without killing anyone. Node uses SIGUSR1 to
 *    start its inspector; the signal is passed on to Node's handler unless it hit one of ours.
 *
 * 4. The command loop of the executor's threads (uh_serve). A worker thread calls it once and stays
 *    in C, waiting on a futex in the shared memory of src/node/executor/thread-protocol.ts and doing
 *    each command there: no JavaScript runs between a fault being resolved and the thread saying
 *    it is done, which is most of a fault cycle's cost otherwise.
 *
 * Progress: before each page a touch writes the address it is about to access into *progress, so
 * an observer knows where a thread blocked in a fault is. A forked child keeps its own copy of
 * uh_child_progress at the same address; the parent reads it through /proc/<pid>/mem.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define UH_VERSION 2

/* uh_touch's result slots (int64_t out[4]); a forked child replies with the same four. */
enum { UH_OUT_STATUS, UH_OUT_VALUE, UH_OUT_CODE, UH_OUT_ADDR, UH_OUT_SLOTS };
/* UH_OUT_STATUS values. UH_RET: a system call's return (or -errno) in UH_OUT_VALUE. */
enum { UH_DONE = 0, UH_SIGBUS = 1, UH_SIGSEGV = 2, UH_HELLO = 3, UH_RET = 4 };

/* The child's command, as it crosses its pipe: touch (addr, len, write, value), the memory calls
 * with their arguments in order, exit. */
struct uh_cmd {
  int64_t op; /* UH_CMD_* */
  uint64_t arg[6];
};
enum {
  UH_CMD_TOUCH = 1,
  UH_CMD_EXIT = 2,
  UH_CMD_MADVISE = 3,
  UH_CMD_MUNMAP = 4,
  UH_CMD_MREMAP = 5,
  UH_CMD_MMAP = 6,
};

static __thread sigjmp_buf touch_env;
static __thread volatile sig_atomic_t touch_active;
static __thread volatile sig_atomic_t thread_is_ours;
static __thread volatile int64_t caught_code;
static __thread volatile uint64_t caught_addr;

static struct sigaction prev_bus, prev_segv, prev_usr1;
static volatile sig_atomic_t installed;

volatile int64_t uh_child_progress;

static void chain(int sig, siginfo_t *info, void *ctx, const struct sigaction *prev) {
  if (prev->sa_flags & SA_SIGINFO) {
    if (prev->sa_sigaction) prev->sa_sigaction(sig, info, ctx);
    return;
  }
  if (prev->sa_handler == SIG_IGN) return;
  if (prev->sa_handler == SIG_DFL) {
    /* Default action: die of the signal, as the process would have without us. */
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  prev->sa_handler(sig);
}

static void on_fault(int sig, siginfo_t *info, void *ctx) {
  if (touch_active) {
    touch_active = 0;
    caught_code = info->si_code;
    caught_addr = (uint64_t)(uintptr_t)info->si_addr;
    siglongjmp(touch_env, sig == SIGBUS ? UH_SIGBUS : UH_SIGSEGV);
  }
  chain(sig, info, ctx, sig == SIGBUS ? &prev_bus : &prev_segv);
}

static void on_usr1(int sig, siginfo_t *info, void *ctx) {
  if (!thread_is_ours) chain(sig, info, ctx, &prev_usr1);
}

int32_t uh_version(void) { return UH_VERSION; }

/* Installs the handlers once per process; returns 0 or -errno. */
int32_t uh_init(void) {
  if (installed) return 0;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sa.sa_sigaction = on_fault;
  if (sigaction(SIGBUS, &sa, &prev_bus) || sigaction(SIGSEGV, &sa, &prev_segv)) return -errno;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sa.sa_sigaction = on_usr1;
  if (sigaction(SIGUSR1, &sa, &prev_usr1)) return -errno;
  installed = 1;
  return 0;
}

/* Marks the calling thread as one of the executor's: SIGUSR1 to it runs the no-op handler. */
int32_t uh_adopt_thread(void) {
  thread_is_ours = 1;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGBUS);
  sigaddset(&set, SIGSEGV);
  sigaddset(&set, SIGUSR1);
  return pthread_sigmask(SIG_UNBLOCK, &set, NULL) ? -1 : (int32_t)syscall(SYS_gettid);
}

/*
 * Accesses [addr, addr+len) page by page in ascending order: a read reads every byte, a write
 * stores `value` in every byte. The first byte of each page is accessed alone, first, so a fault
 * reports that byte (UFFD_FEATURE_EXACT_ADDRESS). out: status, the byte read at addr, si_code,
 * si_addr. Returns the status.
 */
int64_t uh_touch(uint64_t addr, uint64_t len, int32_t write, int32_t value, volatile int64_t *progress,
                 int64_t *out) {
  const uint64_t page = 4096;
  volatile uint8_t first = 0;
  int status;
  out[UH_OUT_VALUE] = 0;
  out[UH_OUT_CODE] = 0;
  out[UH_OUT_ADDR] = 0;
  /* The mask need not be saved (a system call per touch): the handlers run with SA_NODEFER and
   * an empty sa_mask, so the mask a siglongjmp leaves is the one the touch started with. */
  status = sigsetjmp(touch_env, 0);
  if (status == 0) {
    touch_active = 1;
    uint64_t at = addr, end = addr + (len ? len : 1);
    while (at < end) {
      uint64_t next = (at & ~(page - 1)) + page;
      if (next > end) next = end;
      *progress = (int64_t)at;
      volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)at;
      if (write) {
        p[0] = (uint8_t)value;
        for (uint64_t i = 1; i < next - at; i++) p[i] = (uint8_t)value;
      } else {
        uint8_t b = p[0];
        if (at == addr) first = b;
        for (uint64_t i = 1; i < next - at; i++) (void)p[i];
      }
      at = next;
    }
    touch_active = 0;
    out[UH_OUT_VALUE] = write ? (value & 0xff) : first;
  } else {
    out[UH_OUT_CODE] = caught_code;
    out[UH_OUT_ADDR] = (int64_t)caught_addr;
  }
  *progress = 0;
  out[UH_OUT_STATUS] = status;
  return status;
}

static int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static int read_all(int fd, void *buf, size_t len) {
  char *p = buf;
  while (len) {
    ssize_t n = read(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static void close_all_but(int a, int b) {
  int lo = a < b ? a : b, hi = a < b ? b : a;
  if (lo > 0) syscall(SYS_close_range, 0U, (unsigned)lo - 1, 0U);
  if (hi > lo + 1) syscall(SYS_close_range, (unsigned)lo + 1, (unsigned)hi - 1, 0U);
  syscall(SYS_close_range, (unsigned)hi + 1, ~0U, 0U);
}

/* A system call the child makes on command: its return, or -errno. */
static int64_t child_syscall(const struct uh_cmd *c) {
  const uint64_t *a = c->arg;
  long r;
  switch (c->op) {
  case UH_CMD_MADVISE:
    r = syscall(SYS_madvise, a[0], a[1], a[2]);
    break;
  case UH_CMD_MUNMAP:
    r = syscall(SYS_munmap, a[0], a[1]);
    break;
  case UH_CMD_MREMAP:
    r = syscall(SYS_mremap, a[0], a[1], a[2], a[3], a[4]);
    break;
  case UH_CMD_MMAP:
    r = syscall(SYS_mmap, a[0], a[1], a[2], a[3], -1L, 0L);
    break;
  default:
    return -ENOSYS;
  }
  return r == -1 ? -errno : r;
}

static void child_loop(int cmd_fd, int res_fd) __attribute__((noreturn));
static void child_loop(int cmd_fd, int res_fd) {
  close_all_but(cmd_fd, res_fd);
  thread_is_ours = 1;
  /* The parent learns the pid here: its fork() may still be blocked on the FORK event. */
  int64_t hello[UH_OUT_SLOTS] = {UH_HELLO, (int64_t)syscall(SYS_getpid), 0, 0};
  if (write_all(res_fd, hello, sizeof hello)) _exit(1);
  for (;;) {
    struct uh_cmd cmd;
    int64_t out[UH_OUT_SLOTS];
    if (read_all(cmd_fd, &cmd, sizeof cmd)) _exit(1);
    if (cmd.op == UH_CMD_EXIT) _exit(0);
    if (cmd.op == UH_CMD_TOUCH) {
      uh_touch(cmd.arg[0], cmd.arg[1], (int32_t)cmd.arg[2], (int32_t)cmd.arg[3], &uh_child_progress, out);
    } else {
      out[UH_OUT_STATUS] = UH_RET;
      out[UH_OUT_VALUE] = child_syscall(&cmd);
      out[UH_OUT_CODE] = out[UH_OUT_ADDR] = 0;
    }
    if (write_all(res_fd, out, sizeof out)) _exit(1);
  }
}

/*
 * fork(2) as the raw syscall. The child runs child_loop on the two pipe ends and never returns;
 * the parent gets the child's pid, or -errno.
 */
int64_t uh_fork(int32_t cmd_fd, int32_t res_fd) {
  long pid = syscall(SYS_fork);
  if (pid < 0) return -errno;
  if (pid == 0) child_loop(cmd_fd, res_fd);
  return pid;
}

/* The address of the child's progress slot (the same in the child, which is a copy). */
uint64_t uh_child_progress_addr(void) { return (uint64_t)(uintptr_t)&uh_child_progress; }

/*
 * The shared memory of an executor thread (src/node/executor/thread-protocol.ts): int32 slots
 * first, then int64 slots over the same bytes.
 */
enum { SL_SEQ = 0, SL_STATE = 1, SL_NOTIFY = 3 };
enum { SL_CMD = 2, SL_ARG = 3, SL_RET = 8, SL_OUT = 9, SL_PROGRESS = 13, SL_QUIT = 14 };
enum { TS_DONE = 3 };
enum { TC_TOUCH = 1, TC_MADVISE = 2, TC_MUNMAP = 3, TC_MREMAP = 4, TC_FORK = 5, TC_QUIT = 6, TC_MMAP = 7 };

static int64_t ret_or_errno(long r) { return r == -1 ? -errno : r; }

/*
 * Serves commands until QUIT (or the QUIT flag, set when the process exits: Node waits for its
 * worker threads, and one waiting here would never return otherwise). Each command: wait until
 * SEQ moves, do it, store RET (and a touch's outcome), set STATE to DONE, write 1 to the NOTIFY
 * eventfd when there is one. The executor wakes the futex on SEQ after each post.
 */
int32_t uh_serve(int32_t *slots) {
  int64_t *w = (int64_t *)slots;
  int32_t seen = __atomic_load_n(&slots[SL_SEQ], __ATOMIC_ACQUIRE);
  for (;;) {
    int32_t now;
    while ((now = __atomic_load_n(&slots[SL_SEQ], __ATOMIC_ACQUIRE)) == seen) {
      if (__atomic_load_n(&w[SL_QUIT], __ATOMIC_ACQUIRE)) return 0;
      syscall(SYS_futex, &slots[SL_SEQ], FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
    }
    seen = now;
    const int64_t *a = &w[SL_ARG];
    int64_t r = 0;
    switch (w[SL_CMD]) {
    case TC_TOUCH:
      uh_touch((uint64_t)a[0], (uint64_t)a[1], (int32_t)a[2], (int32_t)a[3], &w[SL_PROGRESS], &w[SL_OUT]);
      break; /* a touch is no system call: how it ended is in its outcome */
    case TC_MADVISE:
      r = ret_or_errno(syscall(SYS_madvise, a[0], a[1], a[2]));
      break;
    case TC_MUNMAP:
      r = ret_or_errno(syscall(SYS_munmap, a[0], a[1]));
      break;
    case TC_MREMAP:
      r = ret_or_errno(syscall(SYS_mremap, a[0], a[1], a[2], a[3], a[4]));
      break;
    case TC_MMAP:
      r = ret_or_errno(syscall(SYS_mmap, a[0], a[1], a[2], a[3], -1L, 0L));
      break;
    case TC_FORK:
      r = uh_fork((int32_t)a[0], (int32_t)a[1]);
      break;
    case TC_QUIT:
      return 0;
    default:
      r = -ENOSYS;
    }
    w[SL_RET] = r;
    __atomic_store_n(&slots[SL_STATE], TS_DONE, __ATOMIC_RELEASE);
    int fd = __atomic_load_n(&slots[SL_NOTIFY], __ATOMIC_ACQUIRE);
    if (fd > 0) {
      uint64_t one = 1;
      (void)!write(fd, &one, sizeof one);
    }
  }
}
