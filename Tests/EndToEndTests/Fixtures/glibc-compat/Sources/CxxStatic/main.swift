import CxxNew

print("sum \(fixture_checked_sum(10)) random \(fixture_random_varies() == 1 ? "varies" : "constant")")
