import Foundation

/// `swift-lambda new`: a complete package from a template, in a directory of its own.
public struct NewProject: Sendable {
    public var kind: TemplateKind
    public var names: ProjectNames
    /// The package's root, absolute: `./NAME` or `--path`.
    public var directory: String
    /// Write into a non-empty directory, replacing files of the same names.
    public var force: Bool
    public var swiftToolsVersion: String

    public init(kind: TemplateKind, name: String, directory: String, force: Bool, swiftToolsVersion: String)
        throws(NameError)
    {
        self.kind = kind
        self.names = try ProjectNames(package: name, product: name)
        self.directory = directory
        self.force = force
        self.swiftToolsVersion = swiftToolsVersion
    }

    /// The project's files, rendered from the shipped template.
    public func files() throws -> [TemplateFile] {
        try ProjectTemplate.bundled(kind).render(TemplateValues(names: names, swiftToolsVersion: swiftToolsVersion))
    }

    /// Checks the directory, then writes every file. Nothing is written when the check fails.
    @discardableResult
    public func run() throws -> ProjectReport {
        let files = try files()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ProjectError.notADirectory(path: directory) }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            if !entries.isEmpty && !force { throw ProjectError.directoryNotEmpty(path: directory) }
        }
        // With --force, a directory where a template file goes is still an error, before any write.
        for file in files {
            let path = "\(directory)/\(file.path)"
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw ProjectError.fileExists(path: path)
            }
        }
        for file in files {
            try ProjectFiles.write(file.contents, to: "\(directory)/\(file.path)", replacing: true)
        }
        return ProjectReport(kind: kind, names: names, root: directory, created: files.map(\.path))
    }
}

/// Writing a project's files.
enum ProjectFiles {
    /// Writes `contents` to `path`, creating its parent directories. Without `replacing`, an
    /// existing file is an error and is left as it was (the file is created exclusively).
    static func write(_ contents: String, to path: String, replacing: Bool) throws {
        let parent = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try Data(contents.utf8).write(
                to: URL(fileURLWithPath: path), options: replacing ? .atomic : .withoutOverwriting)
        } catch let error as CocoaError where error.code == .fileWriteFileExists {
            throw ProjectError.fileExists(path: path)
        } catch {
            throw ProjectError.writeFailed(path: path, reason: error.localizedDescription)
        }
    }
}
