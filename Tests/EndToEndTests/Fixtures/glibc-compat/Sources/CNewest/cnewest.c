#include <stddef.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "cnewest_fixture.h"

/* epoll_pwait2 exists only since glibc 2.35. */
int fixture_wait_nothing(void) {
    int descriptor = epoll_create1(0);
    struct epoll_event event;
    struct timespec zero = {0, 0};
    int count = epoll_pwait2(descriptor, &event, 1, &zero, NULL);
    close(descriptor);
    return count;
}
