import CMath

print("hypot \(fixture_hypot(3, 4)) hypotf \(fixture_hypotf(5, 12))")
