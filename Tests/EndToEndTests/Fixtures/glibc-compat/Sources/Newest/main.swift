import CNewest

print("epoll_pwait2 \(fixture_wait_nothing())")
