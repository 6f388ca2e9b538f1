public import BuildPlanner
public import ELFKit
import LambdaSupport

/// One library shipped in an artifact's `lib/`: the real file under its own
/// name, and the symlinks the loader follows to it (its SONAME chain, as the
/// host has it: `libyaml-0.so.2 -> libyaml-0.so.2.0.9`).
public struct BundledLibrary: Sendable {
    /// The name objects need it by (`DT_NEEDED`).
    public var soname: String
    /// The real file on the build host.
    public var source: String
    /// The real file's name, which it keeps in `lib/`.
    public var fileName: String
    /// Each link in the chain from `soname` to `fileName`, names relative to `lib/`.
    public var links: [(name: String, target: String)]
    /// Who needed it first: `bootstrap` or another bundled library's soname.
    public var neededBy: String
    public var file: ELFFile
}

/// Why `--bundle-libs` could not make a bundle.
public enum BundleError: Error, Sendable, Equatable {
    case notFound(soname: String, neededBy: String, machine: String, searched: Int)
    case nameClash(fileName: String, first: String, second: String)
}

extension BundleError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notFound(let soname, let neededBy, let machine, let searched):
            return "--bundle-libs: \(soname) (needed by \(neededBy)) is not on this host for \(machine) (\(searched) places searched as the loader would); install the package that provides it, or build in the runtime's image (--compiler docker)"
        case .nameClash(let fileName, let first, let second):
            return "--bundle-libs: two different libraries are both named \(fileName) (\(first) and \(second)); remove one from the library search path"
        }
    }
}

/// The libraries an artifact must carry: every library it needs, directly or
/// through another bundled one, that the runtime does not promise. glibc's
/// own libraries and the loader are never bundled (they must match the
/// image's kernel interface and each other), nor are the runtime's.
public struct LibraryBundle: Sendable {
    /// In the order they were found (breadth first from the executable).
    public var libraries: [BundledLibrary]

    /// The bundled libraries' ELF data by the soname they are needed by, for the checks.
    public var filesBySoname: [String: ELFFile] {
        Dictionary(libraries.map { ($0.soname, $0.file) }, uniquingKeysWith: { first, _ in first })
    }

    /// The `lib/` entries: each real file once, then every link.
    public var entries: [LibraryEntry] {
        var entries: [LibraryEntry] = []
        var names = Set<String>()
        for library in libraries where names.insert(library.fileName).inserted {
            entries.append(LibraryEntry(name: library.fileName, content: .file(source: library.source)))
        }
        for library in libraries {
            for link in library.links where names.insert(link.name).inserted {
                entries.append(LibraryEntry(name: link.name, content: .symlink(target: link.target)))
            }
        }
        return entries
    }

    /// Resolves what `executable` (at `executablePath`) needs beyond `profile`.
    public static func resolve(
        executable: ELFFile, at executablePath: String, profile: RuntimeProfile, search: LibrarySearch
    ) throws -> LibraryBundle {
        let root = LibrarySearch.Requester(path: executablePath, file: executable)
        var queue: [(soname: String, requester: LibrarySearch.Requester, name: String)] =
            executable.needed.map { ($0, root, "bootstrap") }
        var seen = Set<String>()
        var bundled: [BundledLibrary] = []
        while !queue.isEmpty {
            let (soname, requester, requesterName) = queue.removeFirst()
            guard seen.insert(soname).inserted, !profile.libraries.contains(soname),
                !ReadinessCheck.isDynamicSwiftRuntime(soname)
            else { continue }
            var searched: [String] = []
            guard let found = search.locate(
                soname, for: requester, executable: root, machine: executable.header.machine, searched: &searched)
            else {
                throw BundleError.notFound(
                    soname: soname, neededBy: requesterName, machine: executable.header.machine.description,
                    searched: searched.count)
            }
            // A library that calls itself part of glibc is never shipped, whatever it was needed as.
            if let own = found.file.soname, RuntimeProfile.glibcLibraries.contains(own) { continue }
            let (realPath, links) = try chain(from: found.path, soname: soname)
            let library = BundledLibrary(
                soname: soname, source: realPath, fileName: lastComponent(realPath), links: links,
                neededBy: requesterName, file: found.file)
            if let clash = bundled.first(where: { $0.fileName == library.fileName && $0.source != library.source }) {
                throw BundleError.nameClash(fileName: library.fileName, first: clash.source, second: library.source)
            }
            bundled.append(library)
            let requesterOfNeeds = LibrarySearch.Requester(path: realPath, file: found.file)
            queue += found.file.needed.map { ($0, requesterOfNeeds, soname) }
        }
        return LibraryBundle(libraries: bundled)
    }

    /// Follows the symlinks from `path` to the real file, keeping each hop's
    /// name: the chain the loader walks, flattened into one directory.
    static func chain(from path: String, soname: String) throws -> (realPath: String, links: [(name: String, target: String)]) {
        var names = [soname]
        var current = path
        if lastComponent(path) != soname { names.append(lastComponent(path)) }
        var hops = 0
        while FileSystem.kind(of: current) == .symlink, hops < 40 {
            let target = try FileSystem.symlinkTarget(current)
            current = FileSystem.absolute(target, relativeTo: FileSystem.parent(of: current))
            if FileSystem.kind(of: current) == .symlink { names.append(lastComponent(current)) }
            hops += 1
        }
        let fileName = lastComponent(current)
        var links: [(name: String, target: String)] = []
        var unique: [String] = []
        for name in names where name != fileName && !unique.contains(name) { unique.append(name) }
        for (index, name) in unique.enumerated() {
            links.append((name, index + 1 < unique.count ? unique[index + 1] : fileName))
        }
        return (current, links)
    }
}

func lastComponent(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}
