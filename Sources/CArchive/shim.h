#ifndef SWIFT_LAMBDA_CARCHIVE_SHIM_H
#define SWIFT_LAMBDA_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#endif
