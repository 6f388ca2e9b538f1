print("hello from tiny")
