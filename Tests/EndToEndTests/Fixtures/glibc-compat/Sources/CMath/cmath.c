#include <math.h>
#include "cmath_fixture.h"

double fixture_hypot(double x, double y) { return hypot(x, y); }
float fixture_hypotf(float x, float y) { return hypotf(x, y); }
