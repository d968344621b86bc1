/*
 * The baseline for bench/kernel.ts: the real kernel's missing-fault loop in plain C. One thread
 * reads every page of a registered area in order; the monitor polls the uffd, reads the fault and
 * resolves it with UFFDIO_COPY (which wakes the thread). Prints the pages resolved per second.
 * Usage: fault-loop PAGES [pin]   (pin: both threads on the CPU the program starts on)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static char *area;
static long pages;
static const long page = 4096;

static void *toucher(void *arg) {
  (void)arg;
  volatile char sum = 0;
  for (long i = 0; i < pages; i++) sum += area[i * page];
  return NULL;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  pages = argc > 1 ? atol(argv[1]) : 20000;
  if (argc > 2) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    sched_setaffinity(0, sizeof one, &one); /* threads created after inherit it */
  }
  area = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *src = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED || src == MAP_FAILED) return perror("mmap"), 1;
  memset(src, 0x41, page);
  int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
  if (uffd < 0) return perror("userfaultfd"), 1;
  struct uffdio_api api = {.api = UFFD_API};
  struct uffdio_register reg = {.range = {(uintptr_t)area, pages * page}, .mode = UFFDIO_REGISTER_MODE_MISSING};
  if (ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg)) return perror("ioctl"), 1;
  pthread_t t;
  double t0 = now();
  pthread_create(&t, NULL, toucher, NULL);
  for (long done = 0; done < pages;) {
    struct pollfd p = {uffd, POLLIN, 0};
    if (poll(&p, 1, -1) < 1) continue;
    struct uffd_msg msg;
    if (read(uffd, &msg, sizeof msg) != sizeof msg || msg.event != UFFD_EVENT_PAGEFAULT) continue;
    struct uffdio_copy c = {.dst = msg.arg.pagefault.address & ~(page - 1), .src = (uintptr_t)src, .len = page};
    if (ioctl(uffd, UFFDIO_COPY, &c) == 0) done++;
  }
  pthread_join(t, NULL);
  printf("%.0f\n", pages / (now() - t0));
  return 0;
}
