/// One `--include [DEST:]PATH`: a file or directory to ship with an
/// artifact. Parsing is pure; the file system is consulted when packaging.
public struct IncludeSpec: Sendable, Equatable, Hashable {
    /// Where it goes, relative to the artifact's root; never absolute, never `..`.
    public var destination: String
    /// Where it comes from, as given (relative to the current directory).
    public var source: String

    public init(destination: String, source: String) {
        self.destination = destination
        self.source = source
    }

    /// Parses `[DEST:]PATH`. Without DEST, the destination is PATH's last
    /// component (for `.` or `..`, the last component of `absoluteSource`).
    public static func parse(_ argument: String, absoluteSource: (String) -> String = { $0 }) throws -> IncludeSpec {
        let destination: String?
        let source: String
        if let colon = argument.firstIndex(of: ":") {
            destination = String(argument[..<colon])
            source = String(argument[argument.index(after: colon)...])
        } else {
            destination = nil
            source = argument
        }
        guard !source.isEmpty else { throw IncludeError.emptySource(argument) }
        let named = destination ?? lastComponent(of: source, absolute: absoluteSource(source))
        return IncludeSpec(destination: try normalizedDestination(named, argument: argument), source: source)
    }

    static func lastComponent(of source: String, absolute: String) -> String {
        let last = source.split(separator: "/").last.map(String.init) ?? ""
        if last.isEmpty || last == "." || last == ".." {
            return absolute.split(separator: "/").last.map(String.init) ?? ""
        }
        return last
    }

    /// `a/./b/` becomes `a/b`; absolute, empty and climbing destinations are errors.
    static func normalizedDestination(_ destination: String, argument: String) throws -> String {
        guard !destination.hasPrefix("/") else { throw IncludeError.absoluteDestination(argument) }
        let parts = destination.split(separator: "/").filter { $0 != "." }
        guard !parts.contains("..") else { throw IncludeError.climbingDestination(argument) }
        guard !parts.isEmpty else { throw IncludeError.emptyDestination(argument) }
        return parts.joined(separator: "/")
    }
}

/// Why an `--include` cannot be used.
public enum IncludeError: Error, Sendable, Equatable {
    case emptySource(String)
    case emptyDestination(String)
    case absoluteDestination(String)
    case climbingDestination(String)
    case missing(path: String)
    case collidesWithExecutable(include: String, entry: String)
    case collision(entry: String, first: String, second: String)
    case symlinkEscapes(link: String, target: String)
    case symlinkDangles(link: String, target: String)
    case symlinkLoops(link: String, target: String)
    /// The path with every byte that is not UTF-8 written `\xNN`.
    case nameNotUTF8(path: String)
    case symlinkTargetNotUTF8(link: String, target: String)
    case directoryLoop(path: String, ancestor: String)
    case unsupportedFileType(path: String)
}

extension IncludeError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .emptySource(let argument):
            return "--include '\(argument)' names no path; use --include [DEST:]PATH"
        case .emptyDestination(let argument):
            return "--include '\(argument)' has an empty destination; name a relative DEST or leave out 'DEST:'"
        case .absoluteDestination(let argument):
            return "--include '\(argument)' has an absolute destination; destinations are relative to the artifact's root"
        case .climbingDestination(let argument):
            return "--include '\(argument)' has a destination that climbs out with '..'; use a path inside the artifact"
        case .missing(let path):
            return "--include path '\(path)' does not exist; paths are relative to the current directory"
        case .collidesWithExecutable(let include, let entry):
            return "--include '\(include)' would overwrite '\(entry)', the artifact's executable; choose another DEST"
        case .collision(let entry, let first, let second):
            return "'\(entry)' would be written by both \(first) and \(second); give one of them another DEST"
        case .symlinkEscapes(let link, let target):
            return "symlink '\(link)' points outside its included directory (to '\(target)'); include its target instead or make the link relative inside the directory"
        case .symlinkDangles(let link, let target):
            return "symlink '\(link)' points to '\(target)', which does not exist inside its included directory; remove the link or include what it points to"
        case .symlinkLoops(let link, let target):
            return "symlink '\(link)' (to '\(target)') never resolves: it leads through more than 40 symlinks, a loop; point it at a file or directory inside the included directory"
        case .nameNotUTF8(let path):
            return "'\(path)' has a name that is not UTF-8 (shown with \\xNN for its other bytes); zip entry names are UTF-8, and unzip tools read other bytes each their own way, so rename it"
        case .symlinkTargetNotUTF8(let link, let target):
            return "symlink '\(link)' has a target that is not UTF-8 ('\(target)', other bytes as \\xNN); zip entries are UTF-8, so point it at a name that is"
        case .directoryLoop(let path, let ancestor):
            return "'\(path)' is the directory '\(ancestor)' again (a bind mount into itself); a loop cannot be included, so unmount it or include another directory"
        case .unsupportedFileType(let path):
            return "'\(path)' is neither a file, a directory nor a symlink; only those can be included"
        }
    }
}
