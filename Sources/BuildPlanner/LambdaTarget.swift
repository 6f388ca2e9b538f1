/// A Lambda instruction set.
public enum Architecture: String, Sendable, Equatable, CaseIterable {
    case x86_64
    case aarch64

    /// Lambda's own name for it (`Architectures` in the API): x86_64 or arm64.
    public var lambdaName: String { self == .x86_64 ? "x86_64" : "arm64" }

    /// The OCI platform of a container image built for it.
    public var containerPlatform: String { self == .x86_64 ? "linux/amd64" : "linux/arm64" }
}

/// The C library a binary links against.
public enum LibC: String, Sendable, Equatable {
    /// Dynamically linked glibc, as on Amazon Linux (provided.al2023, provided.al2).
    case glibc
    /// musl linked statically (the Static Linux SDK): no dependency on the image at all.
    case musl
}

/// What a Lambda artifact is compiled for: one of the four triples Lambda can run.
public struct LambdaTarget: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var architecture: Architecture
    public var libc: LibC

    public init(architecture: Architecture, libc: LibC) {
        self.architecture = architecture
        self.libc = libc
    }

    /// The triple SwiftPM and the Swift SDKs use.
    public var triple: String {
        switch libc {
        case .glibc: return "\(architecture.rawValue)-unknown-linux-gnu"
        case .musl: return "\(architecture.rawValue)-swift-linux-musl"
        }
    }

    public var description: String { triple }

    public static let supported: [LambdaTarget] = [
        LambdaTarget(architecture: .x86_64, libc: .glibc), LambdaTarget(architecture: .aarch64, libc: .glibc),
        LambdaTarget(architecture: .x86_64, libc: .musl), LambdaTarget(architecture: .aarch64, libc: .musl),
    ]

    /// One of the supported triples; `arm64` is accepted for `aarch64`.
    public static func parse(_ triple: String) throws -> LambdaTarget {
        var normalized = triple
        if normalized.hasPrefix("arm64-") { normalized = "aarch64-" + normalized.dropFirst("arm64-".count) }
        guard let target = supported.first(where: { $0.triple == normalized }) else {
            throw TargetError.unsupported(triple)
        }
        return target
    }

    /// The target from `--arm64`, `--x86-64` and `--target` (at most one of
    /// them), else the host's architecture with glibc when the host is
    /// Linux on a Lambda architecture, else x86_64.
    public static func resolve(arm64: Bool, x86_64: Bool, triple: String?, host: HostPlatform) throws -> LambdaTarget {
        let given = [arm64 ? "--arm64" : nil, x86_64 ? "--x86-64" : nil, triple.map { _ in "--target" }].compactMap { $0 }
        guard given.count <= 1 else { throw TargetError.conflicting(given) }
        if arm64 { return LambdaTarget(architecture: .aarch64, libc: .glibc) }
        if x86_64 { return LambdaTarget(architecture: .x86_64, libc: .glibc) }
        if let triple { return try parse(triple) }
        return LambdaTarget(architecture: host.isLinux ? host.architecture ?? .x86_64 : .x86_64, libc: .glibc)
    }
}

/// The machine swift-lambda runs on.
public struct HostPlatform: Sendable, Equatable {
    public var isLinux: Bool
    /// Nil when the host is not one of Lambda's architectures.
    public var architecture: Architecture?

    public init(isLinux: Bool, architecture: Architecture?) {
        self.isLinux = isLinux
        self.architecture = architecture
    }

    /// This process's platform, as compiled.
    public static var current: HostPlatform {
        #if os(Linux)
        let linux = true
        #else
        let linux = false
        #endif
        #if arch(x86_64)
        return HostPlatform(isLinux: linux, architecture: .x86_64)
        #elseif arch(arm64)
        return HostPlatform(isLinux: linux, architecture: .aarch64)
        #else
        return HostPlatform(isLinux: linux, architecture: nil)
        #endif
    }

    /// Whether this host's own toolchain can build `target` without an SDK.
    public func buildsNatively(_ target: LambdaTarget) -> Bool {
        isLinux && architecture == target.architecture && target.libc == .glibc
    }
}

public enum TargetError: Error, Sendable, Equatable {
    case unsupported(String)
    case conflicting([String])
}

extension TargetError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unsupported(let triple):
            return "invalid or unsupported target for AWS Lambda: \(triple); use one of: \(LambdaTarget.supported.map(\.triple).joined(separator: ", ")) (arm64 is accepted for aarch64)"
        case .conflicting(let flags):
            return "\(flags.joined(separator: " and ")) both choose the target; pass only one of --arm64, --x86-64, --target"
        }
    }
}
