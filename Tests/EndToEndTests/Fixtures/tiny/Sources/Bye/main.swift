print("bye from tiny")
