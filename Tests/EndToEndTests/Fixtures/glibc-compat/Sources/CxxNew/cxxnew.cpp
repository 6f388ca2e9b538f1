#include <random>
#include <vector>
#include "cxxnew_fixture.h"

// With _GLIBCXX_ASSERTIONS, operator[] checks its index and calls std::__glibcxx_assert_fail,
// which GCC 12's libstdc++ exports only at GLIBCXX_3.4.30.
int fixture_checked_sum(int count) {
    std::vector<int> values(count);
    for (int index = 0; index < count; index++) values[index] = index;
    int sum = 0;
    for (int index = 0; index < count; index++) sum += values[index];
    return sum;
}

// A static libstdc++ built on glibc 2.36 draws from arc4random (GLIBC_2.36).
int fixture_random_varies(void) {
    std::random_device device;
    unsigned seen = 0;
    for (int index = 0; index < 64; index++) seen |= device();
    return seen != 0;
}
