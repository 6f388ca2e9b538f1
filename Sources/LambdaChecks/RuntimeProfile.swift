/// What a Lambda OS-only runtime image offers a custom runtime: the ceilings
/// of the symbol versions its C and C++ libraries define, and the shared
/// libraries a function may rely on.
///
/// Sources:
/// - AWS Lambda runtimes table (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html):
///   provided.al2023 is Amazon Linux 2023, provided.al2 is Amazon Linux 2.
/// - Amazon Linux 2023 release notes and package list (docs.aws.amazon.com/linux/al2023/release-notes/):
///   glibc 2.34, GCC 11 (libstdc++ GLIBCXX_3.4.29 / CXXABI_1.3.13, libgcc_s up to GCC_7.0.0),
///   zlib, OpenSSL 3 (libssl.so.3, libcrypto.so.3).
/// - Amazon Linux 2 package list (docs.aws.amazon.com/AL2/latest/relnotes/): glibc 2.26, GCC 7.3
///   (GLIBCXX_3.4.24 / CXXABI_1.3.11, GCC_7.0.0), OpenSSL 1.0.2 (libssl.so.10, libcrypto.so.10).
/// - aws-lambda-base-images, Dockerfile.provided.al2023 / .al2: the images are the minimal
///   AL2023 image (and AL2 base) with these libraries; libcurl and libxml2 are on provided.al2023
///   only as dependencies of the package manager, so they may vanish in any image update.
/// - GCC's libstdc++ ABI policy (gcc.gnu.org/onlinedocs/libstdc++/manual/abi.html): the
///   GLIBCXX_/CXXABI_ version each GCC release defines.
public struct RuntimeProfile: Sendable, Equatable {
    /// The runtime identifier Lambda uses.
    public let name: String
    public let glibc: String
    public let glibcxx: String
    public let cxxabi: String
    public let gcc: String
    /// Sonames the image provides and keeps providing.
    public let libraries: Set<String>
    /// Sonames present today only as another package's dependency.
    public let presentButNotPromised: Set<String>

    /// glibc's own libraries and loaders: never bundled, always the image's.
    public static let glibcLibraries: Set<String> = [
        "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libutil.so.1",
        "libresolv.so.2", "libanl.so.1", "libBrokenLocale.so.1", "libmvec.so.1", "libnsl.so.1",
        "libthread_db.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1",
    ]

    public static let providedAL2023 = RuntimeProfile(
        name: "provided.al2023", glibc: "GLIBC_2.34", glibcxx: "GLIBCXX_3.4.29", cxxabi: "CXXABI_1.3.13",
        gcc: "GCC_7.0.0",
        libraries: glibcLibraries.union(["libgcc_s.so.1", "libstdc++.so.6", "libz.so.1", "libssl.so.3", "libcrypto.so.3"]),
        presentButNotPromised: ["libcurl.so.4", "libxml2.so.2"])

    public static let providedAL2 = RuntimeProfile(
        name: "provided.al2", glibc: "GLIBC_2.26", glibcxx: "GLIBCXX_3.4.24", cxxabi: "CXXABI_1.3.11",
        gcc: "GCC_7.0.0",
        libraries: glibcLibraries.union(["libgcc_s.so.1", "libstdc++.so.6", "libz.so.1", "libssl.so.10", "libcrypto.so.10"]),
        presentButNotPromised: [])

    public static let all = [providedAL2023, providedAL2]

    public static func named(_ name: String) throws -> RuntimeProfile {
        guard let profile = all.first(where: { $0.name == name }) else {
            throw CheckError.unknownRuntime(name, known: all.map(\.name))
        }
        return profile
    }

    /// The ceiling for a version prefix (GLIBC, GLIBCXX, CXXABI, GCC), if the runtime sets one.
    public func ceiling(for prefix: String) -> String? {
        switch prefix {
        case "GLIBC": return glibc
        case "GLIBCXX": return glibcxx
        case "CXXABI": return cxxabi
        case "GCC": return gcc
        default: return nil
        }
    }
}

public enum CheckError: Error, Sendable, Equatable {
    case unknownRuntime(String, known: [String])
}

extension CheckError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unknownRuntime(let name, let known):
            return "unknown runtime '\(name)'; use one of: \(known.joined(separator: ", "))"
        }
    }
}
