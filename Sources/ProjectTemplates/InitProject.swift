import Foundation
public import LambdaSupport

/// `swift-lambda init`: a template's product, targets and sources added to an existing package.
///
/// SwiftPM's reading of the manifest (`dump-package`) decides which names are taken and checks
/// that the arrays being edited hold everything SwiftPM loads; `ManifestEditor` makes the edit;
/// the edited manifest is loaded again, and on any failure every change is undone.
public struct InitProject: Sendable {
    public var kind: TemplateKind
    /// The product's name; nil takes the package directory's name.
    public var productName: String?
    public var packageRoot: String
    public var swift: String
    public var runner: any ProcessRunning
    public var swiftToolsVersion: String

    /// Template files that belong to a whole package, which `init` leaves to the package.
    static let packageFiles: Set<String> = ["Package.swift", "README.md", ".gitignore", "swift-lambda.toml"]
    /// SwiftPM's predefined folders, searched in this order when a target has no `path:`.
    static let sourceFolders = ["Sources", "Source", "src", "srcs"]
    static let testFolders = ["Tests", "Sources", "Source", "src", "srcs"]

    public init(
        kind: TemplateKind, productName: String?, packageRoot: String, swift: String, runner: any ProcessRunning,
        swiftToolsVersion: String
    ) {
        self.kind = kind
        self.productName = productName
        self.packageRoot = packageRoot
        self.swift = swift
        self.runner = runner
        self.swiftToolsVersion = swiftToolsVersion
    }

    /// A planned `init`: everything decided, nothing written yet.
    struct Plan {
        var names: ProjectNames
        var manifest: String
        var editedManifest: String
        var files: [TemplateFile]
        /// The configuration file's new text, and whether it existed.
        var configuration: (text: String, existed: Bool)?
        var notes: [String]
    }

    @discardableResult
    public func run() async throws -> ProjectReport {
        let plan = try await makePlan()
        var written = Changes()
        written.createdFolders = Set(
            plan.files.flatMap { file in
                let parts = file.path.split(separator: "/").dropLast()
                return parts.indices.map { parts[...$0].joined(separator: "/") }
            }
        ).filter { !FileManager.default.fileExists(atPath: "\(packageRoot)/\($0)") }
        do {
            for file in plan.files {
                try ProjectFiles.write(file.contents, to: "\(packageRoot)/\(file.path)", replacing: false)
                written.created.append(file.path)
            }
            if let configuration = plan.configuration {
                let path = "\(packageRoot)/swift-lambda.toml"
                written.configurationBefore =
                    configuration.existed ? try String(contentsOfFile: path, encoding: .utf8) : nil
                try ProjectFiles.write(configuration.text, to: path, replacing: configuration.existed)
                if !configuration.existed { written.created.append("swift-lambda.toml") }
                written.configurationWritten = true
            }
            try ProjectFiles.write(plan.editedManifest, to: "\(packageRoot)/Package.swift", replacing: true)
            written.manifestWritten = true
            try await verify(plan.names)
        } catch {
            undo(written, manifest: plan.manifest)
            throw error
        }
        var edited = ["Package.swift"]
        if plan.configuration?.existed == true { edited.append("swift-lambda.toml") }
        return ProjectReport(
            kind: kind, names: plan.names, root: packageRoot, created: written.created.sorted(), edited: edited,
            notes: plan.notes)
    }

    /// Reads the package and the template and decides every change; throws before anything is written.
    func makePlan() async throws -> Plan {
        let manifestPath = "\(packageRoot)/Package.swift"
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw ProjectError.notAPackage(path: packageRoot)
        }
        let manifest: String
        do {
            manifest = try String(contentsOfFile: manifestPath, encoding: .utf8)
        } catch {
            throw ProjectError.manifestUnreadable(path: packageRoot, reason: "\(error.localizedDescription)")
        }
        let dump = try await PackageDump.load(packageRoot: packageRoot, swift: swift, runner: runner)
        let names = try projectNames(packageName: dump.name)
        if dump.products.contains(where: { $0.name == names.product }) {
            throw ProjectError.productExists(name: names.product)
        }
        for target in [names.module, names.testModule] where dump.targets.contains(where: { $0.name == target }) {
            throw ProjectError.targetExists(name: target)
        }

        let rendered = try ProjectTemplate.bundled(kind).render(
            TemplateValues(names: names, swiftToolsVersion: swiftToolsVersion))
        guard let templateManifest = rendered.first(where: { $0.path == "Package.swift" }) else {
            throw TemplateError.missing(kind: kind, path: "Package.swift")
        }
        let template = try ManifestEditor(templateManifest.contents)
        let editor = try ManifestEditor(manifest)
        try check(editor, "products", loaded: dump.products.count)
        try check(editor, "targets", loaded: dump.targets.count)

        let present = Set(dump.dependencies.map(\.identity))
        let templateDependencies = try template.elements(of: "dependencies")
        let identities = try template.elementTexts(of: "dependencies").map { text in
            packageIdentity(ofLocation: text.split(separator: "\"").dropFirst().first.map(String.init) ?? text)
        }
        let missing = zip(templateDependencies, identities).filter { !present.contains($0.1) }.map(\.0)
        if !missing.isEmpty { try check(editor, "dependencies", loaded: dump.dependencies.count) }

        var notes: [String] = []
        var platforms = try template.elements(of: "platforms")
        if !platforms.isEmpty && !editor.hasArgument("platforms") && dump.toolsVersion.major < 6 {
            // `.macOS(.v15)` needs tools version 6.0; the manifest would no longer load.
            platforms = []
            notes.append(
                "platforms: [.macOS(.v15)], which swift-aws-lambda-runtime 2 needs when built on a Mac, needs swift-tools-version 6.0 and this manifest has \(dump.toolsVersion.version); Linux builds are not affected"
            )
        }
        if !platforms.isEmpty && editor.hasArgument("platforms")
            && !(dump.macOSVersion.map(Self.isAtLeastMacOS15) ?? false)
        {
            notes.append(
                "this package's platforms: leave macOS below 15, which swift-aws-lambda-runtime 2 needs when built on a Mac; Linux builds are not affected"
            )
        }
        for (element, identity) in zip(templateDependencies, identities) where present.contains(identity) {
            let requirement = element.compact.split(separator: ",").dropFirst().joined(separator: ",").dropLast()
            notes.append(
                "the package already depends on \(identity); its requirement is kept (the new sources are written for\(requirement))"
            )
        }
        let additions = ManifestAdditions(
            platforms: platforms, products: try template.elements(of: "products"), dependencies: missing,
            targets: try template.elements(of: "targets"))
        let edited = try editor.adding(additions)

        if !platforms.isEmpty && !editor.hasArgument("platforms") {
            notes.append("added platforms: [.macOS(.v15)], which swift-aws-lambda-runtime 2 needs when built on a Mac")
        }
        let hasTests = dump.targets.contains { $0.type == "test" }
        let files = try placedFiles(rendered, names: names, hasTests: hasTests)
        return Plan(
            names: names, manifest: manifest, editedManifest: edited, files: files,
            configuration: try configuration(rendered, names: names), notes: notes)
    }

    /// The names, with the product defaulting to the package directory's name.
    func projectNames(packageName: String) throws -> ProjectNames {
        if let productName { return try ProjectNames(package: packageName, product: productName) }
        let directory = URL(fileURLWithPath: packageRoot).standardizedFileURL.lastPathComponent
        do {
            return try ProjectNames(package: packageName, product: directory)
        } catch {
            throw ProjectError.defaultNameUnusable(directory: directory, reason: error)
        }
    }

    /// Refuses when the literal array does not hold everything SwiftPM loads for it.
    func check(_ editor: ManifestEditor, _ label: String, loaded: Int) throws {
        let literal = try editor.elementCount(of: label) ?? 0
        if literal != loaded { throw ManifestEditError.builtElsewhere(label: label, literal: literal, loaded: loaded) }
    }

    static func isAtLeastMacOS15(_ version: String) -> Bool {
        (Int(version.split(separator: ".").first ?? "") ?? 0) >= 15
    }

    /// The template's own files (sources, tests, sample events) in the folders SwiftPM looks in
    /// for this package (the first of its predefined folders that exists; `Tests` for the first
    /// test target), none of which may exist yet.
    func placedFiles(_ rendered: [TemplateFile], names: ProjectNames, hasTests: Bool) throws -> [TemplateFile] {
        let sources = Self.sourceFolders.first { isDirectory("\(packageRoot)/\($0)") } ?? "Sources"
        let tests = hasTests ? Self.testFolders.first { isDirectory("\(packageRoot)/\($0)") } ?? "Tests" : "Tests"
        for folder in ["\(sources)/\(names.module)", "\(tests)/\(names.testModule)"]
        where FileManager.default.fileExists(atPath: "\(packageRoot)/\(folder)") {
            throw ProjectError.fileExists(path: "\(packageRoot)/\(folder)")
        }
        var files: [TemplateFile] = []
        for file in rendered where !Self.packageFiles.contains(file.path) {
            var file = file
            if file.path.hasPrefix("Sources/") { file.path = sources + file.path.dropFirst("Sources".count) }
            if file.path.hasPrefix("Tests/") { file.path = tests + file.path.dropFirst("Tests".count) }
            if FileManager.default.fileExists(atPath: "\(packageRoot)/\(file.path)") {
                throw ProjectError.fileExists(path: "\(packageRoot)/\(file.path)")
            }
            files.append(file)
        }
        return files
    }

    /// `swift-lambda.toml`: only what the new product needs, which is the template's
    /// `[functions.<product>]` table (an extension's `extension = true`), appended to the package's
    /// file or in a new one. The template's `[build]` table is the package's choice, left alone.
    func configuration(_ rendered: [TemplateFile], names: ProjectNames) throws -> (text: String, existed: Bool)? {
        guard let template = rendered.first(where: { $0.path == "swift-lambda.toml" })?.contents else { return nil }
        let lines = template.split(separator: "\n", omittingEmptySubsequences: false)
        guard var start = lines.firstIndex(where: { $0.hasPrefix("[functions.") }) else { return nil }
        while start > 0 && lines[start - 1].hasPrefix("#") { start -= 1 }  // with its comment
        let table = lines[start...].joined(separator: "\n")
        let path = "\(packageRoot)/swift-lambda.toml"
        guard let existing = try? String(contentsOfFile: path, encoding: .utf8) else { return (table, false) }
        let headers = ["[functions.\(names.product)]", "[functions.\"\(names.product)\"]"]
        if existing.split(separator: "\n").contains(where: { line in
            headers.contains(line.filter { $0 != " " && $0 != "\t" })
        }) {
            throw ProjectError.configurationConflict(path: path, product: names.product)
        }
        let separator = existing.isEmpty ? "" : existing.hasSuffix("\n") ? "\n" : "\n\n"
        return (existing + separator + table, true)
    }

    /// Loads the edited manifest: it must declare the new product and both targets.
    func verify(_ names: ProjectNames) async throws {
        let dump: PackageDump
        do {
            dump = try await PackageDump.load(packageRoot: packageRoot, swift: swift, runner: runner)
        } catch let ProjectError.manifestFailed(_, diagnostics) {
            throw ProjectError.editNotLoaded(diagnostics: diagnostics)
        }
        let targets = Set(dump.targets.map(\.name))
        guard dump.products.contains(where: { $0.name == names.product }), targets.contains(names.module),
            targets.contains(names.testModule)
        else {
            throw ProjectError.editNotLoaded(
                diagnostics:
                    "the product \(names.product) or the targets \(names.module), \(names.testModule) are missing")
        }
    }

    /// What has been written so far, to undo it.
    struct Changes {
        var created: [String] = []
        /// Folders that did not exist before.
        var createdFolders: Set<String> = []
        var configurationBefore: String?
        var configurationWritten = false
        var manifestWritten = false
    }

    /// Puts the package back as it was: created files and folders removed, edited files restored.
    func undo(_ changes: Changes, manifest: String) {
        if changes.manifestWritten {
            try? ProjectFiles.write(manifest, to: "\(packageRoot)/Package.swift", replacing: true)
        }
        if changes.configurationWritten, let before = changes.configurationBefore {
            try? ProjectFiles.write(before, to: "\(packageRoot)/swift-lambda.toml", replacing: true)
        }
        for path in changes.created { try? FileManager.default.removeItem(atPath: "\(packageRoot)/\(path)") }
        for folder in changes.createdFolders.sorted(by: { $0.count > $1.count }) {  // deepest first
            try? FileManager.default.removeItem(atPath: "\(packageRoot)/\(folder)")
        }
    }

    func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
