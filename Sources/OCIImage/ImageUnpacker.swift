import Archiver
import Foundation

/// Unpacks an image's layers, bottom first, into a directory: the root file system a function
/// runs in without a container engine (`invoke` and `serve` on an image).
///
/// A layer is data from elsewhere (a base image, another tool), so every name is checked before
/// anything is written for it, and the first entry that fails stops the unpacking with a typed
/// error; nothing is ever written outside the root:
/// - absolute names and `..` components are refused (`./` prefixes and `.` components, which
///   `tar -C dir .` writes, are dropped);
/// - a name whose parent is, on disk, a symlink (planted by an earlier entry or layer) or a file
///   is refused: a symlink is never followed when writing, only stored;
/// - a hard link must name a regular file already unpacked inside the root;
/// - devices, FIFOs and sockets are refused;
/// - an entry replaces what an earlier layer left at its path (a directory over a directory
///   merges), the old entry removed first, so writing never goes through an old symlink.
/// OCI whiteouts are applied to the layers below, as the image spec says: `.wh.<name>` removes
/// `<name>`, `.wh..wh..opq` empties its directory of what lower layers put there. Modes are kept
/// (1777 included), symlinks stay symlinks with their targets as stored.
public enum ImageUnpacker {
    /// Unpacks `image`'s layers into `root`, which must be new or empty.
    public static func unpack(_ image: ReadImage, into root: String) throws {
        let layers = image.layers.map { blob -> (String, String) in
            guard case .file(let path) = blob.content else { return (blob.digest.description, "") }
            return (blob.digest.description, path)
        }
        try unpack(layers: layers, into: root)
    }

    /// Unpacks tar layers (gzip'd, zstd'd or not), each a `(name for errors, path)`, into `root`,
    /// which must be new or empty.
    public static func unpack(layers: [(name: String, path: String)], into root: String) throws {
        let resolved = try prepareEmptyDirectory(root)
        try LibArchive.withUTF8Names {
            for layer in layers {
                var unpacking = LayerUnpacking(root: resolved, layer: layer.name)
                try unpacking.run(try LibArchiveTarReader(path: layer.path))
            }
        }
    }

    /// Creates `path` (and its parents) or checks that it is empty; returns it without symlinks,
    /// because the checks look at every component below it.
    @discardableResult
    static func prepareEmptyDirectory(_ path: String) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw OCIImageError.fileSystem(
                operation: "create the directory", path: path, errno: errno == 0 ? EIO : errno)
        }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        guard contents.isEmpty else { throw OCIImageError.destinationNotEmpty(path) }
        guard let resolved = realpath(path, nil) else {
            throw OCIImageError.fileSystem(operation: "realpath", path: path, errno: errno)
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// One layer being unpacked: its checks and the paths it wrote (whiteouts apply to lower layers
/// only, so what this layer wrote is kept).
struct LayerUnpacking {
    let root: String
    let layer: String
    private var written: Set<String> = []

    init(root: String, layer: String) {
        self.root = root
        self.layer = layer
    }

    mutating func run(_ reader: LibArchiveTarReader) throws {
        while let header = try reader.next() {
            let components = try pathComponents(of: header.path, entry: header.path)
            guard let base = components.last else { continue }
            let parent = Array(components.dropLast())
            try checkParents(parent, entry: header.path)
            let path = components.joined(separator: "/")

            if base == ".wh..wh..opq" {
                try clearOpaque(parent.joined(separator: "/"))
                continue
            }
            if base.hasPrefix(".wh.") {
                let name = String(base.dropFirst(4))
                if name.hasPrefix(".wh.") { continue }  // other aufs markers (.wh..wh.plnk): nothing to apply
                guard !name.isEmpty, name != ".", name != ".." else {
                    throw refuse(header.path, "is a whiteout of '\(name)', which names no entry")
                }
                let target = (parent + [name]).joined(separator: "/")
                if !written.contains(target) { try removeTree(root + "/" + target) }
                continue
            }

            var linkTarget: String?
            switch header.kind {
            case .special(let what):
                throw refuse(header.path, "is \(what); a Lambda image holds files, directories and links only")
            case .hardlink(let target):
                let targetComponents = try pathComponents(of: target, entry: header.path)
                try checkParents(Array(targetComponents.dropLast()), entry: header.path)
                let absolute = root + "/" + targetComponents.joined(separator: "/")
                var status = stat()
                guard !targetComponents.isEmpty, lstat(absolute, &status) == 0, status.st_mode & S_IFMT == S_IFREG
                else {
                    throw refuse(
                        header.path, "is a hard link to '\(target)', which is not a file unpacked in the image")
                }
                linkTarget = absolute
            case .file, .directory, .symlink:
                break
            }
            try clear(path, keepingDirectory: header.kind == .directory)
            try reader.extractCurrent(to: root + "/" + path, linkTarget: linkTarget, name: header.path)
            for end in 1...components.count { written.insert(components[..<end].joined(separator: "/")) }
        }
        try reader.finishDisk()
    }

    /// The name's components without `.` and empty ones; absolute names and `..` are refused.
    private func pathComponents(of name: String, entry: String) throws -> [String] {
        if name.hasPrefix("/") { throw refuse(entry, "is absolute ('\(name)')") }
        if name.utf8.contains(0) { throw refuse(entry, "contains a NUL byte") }
        let parts = name.split(separator: "/").map(String.init).filter { $0 != "." }
        if parts.contains("..") { throw refuse(entry, "contains '..' ('\(name)')") }
        return parts
    }

    /// Every existing prefix of `parent` must be a real directory, not a symlink or a file.
    private func checkParents(_ parent: [String], entry: String) throws {
        var current = root
        for component in parent {
            current += "/" + component
            var status = stat()
            guard lstat(current, &status) == 0 else {
                if errno == ENOENT { return }  // created as a directory by the disk writer
                throw OCIImageError.fileSystem(operation: "lstat", path: current, errno: errno)
            }
            switch status.st_mode & S_IFMT {
            case S_IFDIR: continue
            case S_IFLNK:
                throw refuse(
                    entry,
                    "is below '\(current.dropFirst(root.count + 1))', a symlink; a symlink is never followed when unpacking"
                )
            default:
                throw refuse(entry, "is below '\(current.dropFirst(root.count + 1))', which is not a directory")
            }
        }
    }

    /// Removes what an earlier layer put at `path`, unless both are directories.
    private func clear(_ path: String, keepingDirectory: Bool) throws {
        let absolute = root + "/" + path
        var status = stat()
        guard lstat(absolute, &status) == 0 else { return }
        if keepingDirectory, status.st_mode & S_IFMT == S_IFDIR { return }
        try removeTree(absolute)
    }

    /// `.wh..wh..opq` in `directory`: everything below it that this layer did not write goes.
    private func clearOpaque(_ directory: String) throws {
        let absolute = directory.isEmpty ? root : root + "/" + directory
        var status = stat()
        guard lstat(absolute, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return }
        for child in (try? FileManager.default.contentsOfDirectory(atPath: absolute)) ?? [] {
            let relative = directory.isEmpty ? child : directory + "/" + child
            if written.contains(relative) {
                try clearOpaque(relative)
            } else {
                try removeTree(root + "/" + relative)
            }
        }
    }

    /// Removes a file, a symlink (not what it points to) or a directory tree, following no link.
    private func removeTree(_ path: String) throws {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        if status.st_mode & S_IFMT == S_IFDIR {
            for child in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                try removeTree(path + "/" + child)
            }
            guard rmdir(path) == 0 else { throw OCIImageError.fileSystem(operation: "rmdir", path: path, errno: errno) }
        } else {
            guard unlink(path) == 0 else {
                throw OCIImageError.fileSystem(operation: "unlink", path: path, errno: errno)
            }
        }
    }

    private func refuse(_ entry: String, _ problem: String) -> OCIImageError {
        .unsafeLayerEntry(layer: layer, entry: entry, problem: problem)
    }
}
