// -Xswiftc -DTINY_FLAG reaches the compiler (CLIConventionsTests).
#if TINY_FLAG
print("hello from tiny, built with TINY_FLAG")
#else
print("hello from tiny")
#endif
