import Foundation
public import LambdaSupport

/// The Swift toolchain found on `PATH`, and the tools that ship with it.
public struct Toolchain: Sendable, Equatable {
    /// Absolute path of `swift`.
    public var swift: String
    /// The toolchain's `llvm-objcopy`, which strips any ELF architecture.
    public var objcopy: String?
    /// The toolchain's `clang`, which compiles for every target Swift does.
    public var clang: String?
    /// The directory holding the real `bin/swift` (its `usr`), where the modules and headers
    /// that debug information names are; builds compile it as a fixed path (`CheckoutPaths`).
    public var directory: String?

    public init(swift: String, objcopy: String?, clang: String? = nil, directory: String? = nil) {
        self.swift = swift
        self.objcopy = objcopy
        self.clang = clang
        self.directory = directory
    }

    /// Finds `swift` on the environment's `PATH`, and `llvm-objcopy` and
    /// `clang` beside the real (symlink-resolved) `swift`, else on `PATH`.
    public static func locate(environment: [String: String]) throws -> Toolchain {
        let lookup = ExecutableLookup(environment: environment)
        let swift: String
        do {
            swift = try lookup.resolve("swift")
        } catch {
            throw ToolchainError.swiftNotFound(searchPath: lookup.searchPath)
        }
        let realDirectory = (URL(fileURLWithPath: swift).resolvingSymlinksInPath().path as NSString)
            .deletingLastPathComponent
        func beside(_ tool: String) -> String? {
            let bundled = "\(realDirectory)/\(tool)"
            return FileManager.default.isExecutableFile(atPath: bundled) ? bundled : try? lookup.resolve(tool)
        }
        return Toolchain(
            swift: swift, objcopy: beside("llvm-objcopy"), clang: beside("clang"),
            directory: (realDirectory as NSString).deletingLastPathComponent)
    }

    /// The toolchain's version, from `swift --version`.
    public func version(runner: any ProcessRunning) async throws -> ToolchainVersion {
        let output = try await runner.capture(Invocation(executable: swift, arguments: ["--version"]))
        let text = output.standardOutputText + output.standardErrorText
        guard let version = ToolchainVersion.parse(swiftVersionOutput: text) else {
            throw ToolchainError.unknownVersion(text.trimmingWhitespace)
        }
        return version
    }

    /// Writes a copy of `input` without symbols or debug sections to `output`.
    public func stripInvocation(input: String, output: String) throws -> Invocation {
        guard let objcopy else { throw ToolchainError.objcopyNotFound(swift: swift) }
        return Invocation(executable: objcopy, arguments: ["--strip-all", input, output])
    }
}

public enum ToolchainError: Error, Sendable, Equatable {
    case swiftNotFound(searchPath: String)
    case objcopyNotFound(swift: String)
    case unknownVersion(String)
}

extension ToolchainError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .swiftNotFound(let searchPath):
            return "'swift' was not found on PATH (\(searchPath)); install a Swift toolchain from swift.org or add its usr/bin to PATH"
        case .objcopyNotFound(let swift):
            return "llvm-objcopy, needed to strip release binaries, is neither beside \(swift) nor on PATH; use a complete Swift toolchain or build without --release"
        case .unknownVersion(let output):
            return "cannot tell the Swift version from 'swift --version' (it printed: \(output)); pass --image to choose the container image"
        }
    }
}
