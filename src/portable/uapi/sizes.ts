// sizeof() of every struct of include/uapi/linux/userfaultfd.h on 64-bit Linux.
export const STRUCT_SIZE = {
  uffdio_api: 24,
  uffdio_range: 16,
  uffdio_register: 32,
  uffdio_copy: 40,
  uffdio_zeropage: 32,
  uffdio_writeprotect: 24,
  uffdio_continue: 32,
  uffdio_poison: 32,
  uffdio_move: 40,
  uffd_msg: 32,
} as const;
