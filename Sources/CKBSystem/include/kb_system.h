#ifndef KB_SYSTEM_H
#define KB_SYSTEM_H

/// Atomically exchanges two paths (Linux renameat2 RENAME_EXCHANGE). Returns 0, or -1 with errno
/// set (ENOSYS/EINVAL where the kernel or file system cannot: callers fall back to two renames).
int kb_exchange_paths(const char *a, const char *b);



#include <spawn.h>
/// posix_spawn_file_actions_addchdir_np where the C library has it (glibc 2.29+); -1 otherwise.
int kb_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34+): the child keeps only 0, 1, 2; -1 elsewhere.
int kb_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);
/// POSIX_SPAWN_SETSID where the C library has it (glibc 2.26+), else 0.
short kb_spawn_setsid_flag(void);
/// pipe2(O_CLOEXEC): no other child spawned meanwhile can inherit the ends.
int kb_pipe_cloexec(int fds[2]);
/// prlimit on another process: which = 0 CPU seconds, 1 address space, 2 file size, 3 processes.
int kb_set_limit(int pid, int which, long long value);
#endif
