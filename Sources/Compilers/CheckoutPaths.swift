/// What makes a build's bytes independent of where the package is checked out: its root
/// compiled as a fixed path (`/swift-lambda/<manifest name>`), in Swift and C alike.
///
/// Measured on the Examples at two paths (issue 15, item 8; docs/DESIGN.md): echo and greeter
/// differed in `.swift_modhash` (an MD5 of each module's LLVM IR, which names the build's paths)
/// and in the build id (gold's SHA-1 of the whole unstripped output, whose debug sections name
/// them). Prefix maps alone leave two leaks: the clang module cache directory is named after a
/// hash of the importer's options, the maps included, and the DWARF breadcrumbs to those modules
/// name it; and the module hash still differs. Without breadcrumbs and with the module hash left
/// zero, the whole unstripped output is the same, so the build id (still the SHA-1 of the
/// contents) is too. The host toolchain's directory is mapped as well (`toolchain`).
public struct CheckoutPaths: Sendable, Equatable {
    /// The root as the compiler sees it (`--package-path`: the host path, or /workspace in a container).
    public var root: String
    /// What it is compiled as.
    public var mapped: String

    /// The toolchain's `usr` directory as the compiler sees it, when it is to be mapped too: its
    /// modules' paths are in the debug information, so a toolchain installed elsewhere changed
    /// the build id (measured: 20 bytes of the stripped bootstraps). Nil in a container.
    public var toolchain: String?

    /// What the toolchain's directory is compiled as.
    public static let mappedToolchain = "/swift-lambda-toolchain/usr"

    /// Packages used by path, each root and what it is compiled as (`mappedLocalPackage`).
    public var localPackages: [String: String]

    public init(root: String, mapped: String, toolchain: String? = nil, localPackages: [String] = []) {
        self.root = root
        self.mapped = mapped
        self.toolchain = toolchain
        self.localPackages = Dictionary(
            localPackages.filter { $0 != root && !$0.hasPrefix(root + "/") }.map { ($0, Self.mappedLocalPackage($0)) },
            uniquingKeysWith: { first, _ in first })
    }

    /// What the directory holding the package and its local packages is compiled as.
    public static let mappedTree = "/swift-lambda/tree"

    /// The deepest directory holding the root and every local package, when that is above the
    /// root and not `/`.
    public var commonAncestor: String? {
        guard !localPackages.isEmpty else { return nil }
        var common = root.split(separator: "/")
        for other in localPackages.keys.map({ $0.split(separator: "/") }) {
            common = Array(zip(common, other).prefix { $0 == $1 }.map(\.0))
        }
        let ancestor = "/" + common.joined(separator: "/")
        return ancestor == "/" || ancestor == root ? nil : ancestor
    }

    /// `/swift-lambda/packages/<directory name>`: a local package's directory is named by the
    /// repository, the same in every clone. (One inside the root is mapped with the root.)
    public static func mappedLocalPackage(_ root: String) -> String {
        "/swift-lambda/packages/" + safeName(String(root.split(separator: "/").last ?? ""))
    }

    /// `/swift-lambda/<name>`, the name made of characters a path and a prefix map take as they are.
    public static func mappedRoot(packageName: String) -> String {
        "/swift-lambda/" + safeName(packageName)
    }

    /// `name` in characters a path and a prefix map take as they are; `package` when empty.
    static func safeName(_ name: String) -> String {
        let safe = name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" }
        return safe.isEmpty ? "package" : String(safe)
    }

    /// `-file-prefix-map` (swiftc: debug info, coverage, index; passed on to its clang importer),
    /// `-ffile-prefix-map` (clang: debug info, `__FILE__`, coverage, for C and C++ targets),
    /// `-no-clang-module-breadcrumbs` (no DWARF pointers into the build's clang module cache;
    /// Swift offers it for libraries shipped without that cache),
    /// `-disable-incremental-llvm-codegen` (the hash exists only to skip LLVM for a file whose
    /// IR did not change; it now stays zero), and a build id that is the SHA-1 of the linked
    /// file, spelled out so gold, lld and ld.bfd hash alike. A path holding `=` cannot be a
    /// prefix map's old half, so it is not mapped. A toolchain in `/usr` (a distribution's
    /// package, the official images) is left as it is: that path is the same wherever it is
    /// installed so.
    public var arguments: [String] {
        let frontend = ["-no-clang-module-breadcrumbs", "-disable-incremental-llvm-codegen"]
            .flatMap { ["-Xswiftc", "-Xfrontend", "-Xswiftc", $0] }
        var maps = [(root, mapped)] + localPackages.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        // The directory holding the package and those it uses: Swift's line tables name a
        // local package's files relative to it (measured: a function using ../../libs/common
        // differed between two clones in its build id, the directory entry being the clone's root).
        if let ancestor = commonAncestor { maps.append((ancestor, Self.mappedTree)) }
        if let toolchain, toolchain != "/usr" { maps.append((toolchain, Self.mappedToolchain)) }
        return maps.filter { !$0.0.contains("=") }.flatMap { old, new in
            ["-Xswiftc", "-file-prefix-map", "-Xswiftc", "\(old)=\(new)", "-Xcc", "-ffile-prefix-map=\(old)=\(new)"]
        } + frontend + ["-Xlinker", "--build-id=sha1"]
    }
}
