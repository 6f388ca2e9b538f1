// swift-tools-version: 6.0
// Small functions for the glibc-compat tests: each needs something this machine's glibc or
// libstdc++ has only at a version newer than provided.al2023's, in a different way.
import PackageDescription

let package = Package(
    name: "GlibcCompatFixture",
    products: [
        // hypot and hypotf: GLIBC_2.35 by default, GLIBC_2.2.5 (x86_64) / GLIBC_2.17 (aarch64) too.
        .executable(name: "mathfn", targets: ["MathFn"]),
        // epoll_pwait2: GLIBC_2.35 only, no older version.
        .executable(name: "newest", targets: ["Newest"]),
        // std::__glibcxx_assert_fail: GLIBCXX_3.4.30 only, so libstdc++ must be linked statically.
        .executable(name: "cxxstatic", targets: ["CxxStatic"]),
    ],
    targets: [
        .target(name: "CMath"),
        .target(name: "CNewest"),
        .target(name: "CxxNew", cxxSettings: [.define("_GLIBCXX_ASSERTIONS")]),
        .executableTarget(name: "MathFn", dependencies: ["CMath"]),
        .executableTarget(name: "Newest", dependencies: ["CNewest"]),
        .executableTarget(name: "CxxStatic", dependencies: ["CxxNew"]),
    ]
)
