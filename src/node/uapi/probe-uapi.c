/* Prints what this machine's C compiler and <linux/userfaultfd.h> say of the userfaultfd ABI, one
 * "name value" line each, for uapi-probe.test.ts to compare with src/portable/uapi. Constants the
 * installed header is too old to have are left out; the test lists them. */
#include <stddef.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <linux/userfaultfd.h>

#define SIZE(s) printf("sizeof.%s %zu\n", #s, sizeof(struct s))
#define OFF(s, f) printf("offsetof.%s.%s %zu\n", #s, #f, offsetof(struct s, f))
#define NUM(c) printf("%s %llu\n", #c, (unsigned long long)(c))

int main(void) {
  SIZE(uffdio_api); SIZE(uffdio_range); SIZE(uffdio_register); SIZE(uffdio_copy);
  SIZE(uffdio_zeropage); SIZE(uffdio_writeprotect); SIZE(uffdio_continue); SIZE(uffd_msg);
  OFF(uffdio_api, features); OFF(uffdio_api, ioctls);
  OFF(uffdio_register, mode); OFF(uffdio_register, ioctls);
  OFF(uffdio_copy, src); OFF(uffdio_copy, len); OFF(uffdio_copy, mode); OFF(uffdio_copy, copy);
  OFF(uffdio_zeropage, mode); OFF(uffdio_zeropage, zeropage);
  OFF(uffdio_writeprotect, mode); OFF(uffdio_continue, mode); OFF(uffdio_continue, mapped);
  OFF(uffd_msg, arg.pagefault.flags); OFF(uffd_msg, arg.pagefault.address);
  OFF(uffd_msg, arg.pagefault.feat.ptid); OFF(uffd_msg, arg.fork.ufd);
  OFF(uffd_msg, arg.remap.from); OFF(uffd_msg, arg.remap.to); OFF(uffd_msg, arg.remap.len);
  OFF(uffd_msg, arg.remove.start); OFF(uffd_msg, arg.remove.end);
  NUM(UFFDIO_API); NUM(UFFDIO_REGISTER); NUM(UFFDIO_UNREGISTER); NUM(UFFDIO_WAKE); NUM(UFFDIO_COPY);
  NUM(UFFDIO_ZEROPAGE); NUM(UFFDIO_WRITEPROTECT); NUM(UFFDIO_CONTINUE);
  NUM(UFFD_API); NUM(UFFD_API_FEATURES); NUM(UFFD_API_IOCTLS); NUM(UFFD_API_RANGE_IOCTLS);
  NUM(UFFD_API_RANGE_IOCTLS_BASIC);
  NUM(UFFD_EVENT_PAGEFAULT); NUM(UFFD_EVENT_FORK); NUM(UFFD_EVENT_REMAP); NUM(UFFD_EVENT_REMOVE);
  NUM(UFFD_EVENT_UNMAP); NUM(UFFD_PAGEFAULT_FLAG_WRITE); NUM(UFFD_PAGEFAULT_FLAG_WP);
  NUM(UFFD_PAGEFAULT_FLAG_MINOR); NUM(UFFD_USER_MODE_ONLY);
  NUM(UFFDIO_REGISTER_MODE_MISSING); NUM(UFFDIO_REGISTER_MODE_WP); NUM(UFFDIO_REGISTER_MODE_MINOR);
  NUM(UFFDIO_COPY_MODE_DONTWAKE); NUM(UFFDIO_COPY_MODE_WP); NUM(UFFDIO_ZEROPAGE_MODE_DONTWAKE);
  NUM(UFFDIO_WRITEPROTECT_MODE_WP); NUM(UFFDIO_WRITEPROTECT_MODE_DONTWAKE);
  NUM(UFFDIO_CONTINUE_MODE_DONTWAKE);
  NUM(UFFD_FEATURE_PAGEFAULT_FLAG_WP); NUM(UFFD_FEATURE_EVENT_FORK); NUM(UFFD_FEATURE_EVENT_REMAP);
  NUM(UFFD_FEATURE_EVENT_REMOVE); NUM(UFFD_FEATURE_MISSING_HUGETLBFS); NUM(UFFD_FEATURE_MISSING_SHMEM);
  NUM(UFFD_FEATURE_EVENT_UNMAP); NUM(UFFD_FEATURE_SIGBUS); NUM(UFFD_FEATURE_THREAD_ID);
  NUM(UFFD_FEATURE_MINOR_HUGETLBFS); NUM(UFFD_FEATURE_MINOR_SHMEM); NUM(UFFD_FEATURE_EXACT_ADDRESS);
  NUM(UFFD_FEATURE_WP_HUGETLBFS_SHMEM);
#ifdef USERFAULTFD_IOC_NEW
  NUM(USERFAULTFD_IOC_NEW);
#endif
#ifdef UFFD_FEATURE_WP_UNPOPULATED
  NUM(UFFD_FEATURE_WP_UNPOPULATED);
#endif
#ifdef UFFDIO_CONTINUE_MODE_WP
  NUM(UFFDIO_CONTINUE_MODE_WP);
#endif
#ifdef UFFDIO_POISON
  SIZE(uffdio_poison); OFF(uffdio_poison, updated); NUM(UFFDIO_POISON); NUM(UFFD_FEATURE_POISON);
  NUM(UFFDIO_POISON_MODE_DONTWAKE);
#endif
#ifdef UFFD_FEATURE_WP_ASYNC
  NUM(UFFD_FEATURE_WP_ASYNC);
#endif
#ifdef UFFDIO_MOVE
  SIZE(uffdio_move); OFF(uffdio_move, move); NUM(UFFDIO_MOVE); NUM(UFFD_FEATURE_MOVE);
  NUM(UFFDIO_MOVE_MODE_DONTWAKE); NUM(UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES);
#endif
  return 0;
}
