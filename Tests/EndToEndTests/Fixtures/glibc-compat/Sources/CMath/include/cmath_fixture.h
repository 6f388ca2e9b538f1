double fixture_hypot(double x, double y);
float fixture_hypotf(float x, float y);
