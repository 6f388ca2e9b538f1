#ifndef SWIFT_LAMBDA_CSYSTEMSHIMS_H
#define SWIFT_LAMBDA_CSYSTEMSHIMS_H

/// Atomically exchanges two existing paths (files or directories) with
/// renameat2(RENAME_EXCHANGE). Returns 0 on success, -1 with errno set
/// otherwise (ENOSYS or EINVAL where the kernel or file system cannot).
int swift_lambda_rename_exchange(const char *first, const char *second);

#endif
