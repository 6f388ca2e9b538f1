public import Compilers
public import LambdaSupport

/// The toolchain a generated package is written for: the one on `PATH`.
public struct InstalledToolchain: Sendable, Equatable {
    /// Absolute path of `swift`, for `swift package dump-package`.
    public var swift: String
    /// `major.minor`, for `// swift-tools-version:`: a generated manifest asks for exactly what
    /// the installed toolchain supports, no newer (it would not load) and no older (its features
    /// would be off).
    public var toolsVersion: String

    public init(swift: String, toolsVersion: String) {
        self.swift = swift
        self.toolsVersion = toolsVersion
    }

    public static func toolsVersion(of version: ToolchainVersion) -> String { "\(version.major).\(version.minor)" }

    /// Finds `swift` on the environment's `PATH` and asks it its version.
    public static func locate(environment: [String: String], runner: any ProcessRunning) async throws
        -> InstalledToolchain
    {
        let toolchain = try Toolchain.locate(environment: environment)
        let version = try await toolchain.version(runner: runner)
        return InstalledToolchain(swift: toolchain.swift, toolsVersion: toolsVersion(of: version))
    }
}
