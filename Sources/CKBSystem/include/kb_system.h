#ifndef KB_SYSTEM_H
#define KB_SYSTEM_H

/// Atomically exchanges two paths (Linux renameat2 RENAME_EXCHANGE). Returns 0, or -1 with errno
/// set (ENOSYS/EINVAL where the kernel or file system cannot: callers fall back to two renames).
int kb_exchange_paths(const char *a, const char *b);



#include <spawn.h>
/// posix_spawn_file_actions_addchdir_np where the C library has it (glibc 2.29+); -1 otherwise.
int kb_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
#endif
