import Foundation

/// The templates in the repository's `Templates/` folder, one per kind.
public enum TemplateKind: String, CaseIterable, Sendable {
    case function
    case http
    case `extension`

    /// The kind the `--http` and `--extension` flags ask for; both together are refused by the CLI.
    public init(http: Bool, extension isExtension: Bool) {
        self = isExtension ? .extension : http ? .http : .function
    }

    /// How the kind is called in messages.
    public var displayName: String {
        switch self {
        case .function: "function"
        case .http: "HTTP function"
        case .extension: "extension"
        }
    }
}

/// A file of a template, or of a rendered project: a relative path (`/`-separated) and its text.
public struct TemplateFile: Sendable, Equatable {
    public var path: String
    public var contents: String

    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}

/// What the placeholders of a template stand for.
public struct TemplateValues: Sendable, Equatable {
    public var names: ProjectNames
    /// `major.minor` of the toolchain that will build the project, for `// swift-tools-version:`.
    public var swiftToolsVersion: String

    public init(names: ProjectNames, swiftToolsVersion: String) {
        self.names = names
        self.swiftToolsVersion = swiftToolsVersion
    }

    /// Every placeholder a template may use, written `{{NAME}}` in paths and contents.
    public var placeholders: [String: String] {
        [
            "PACKAGE_NAME": names.package,
            "PRODUCT_NAME": names.product,
            "MODULE_NAME": names.module,
            "SWIFT_TOOLS_VERSION": swiftToolsVersion,
        ]
    }
}

/// One template's files, with their placeholders, read from the resources shipped in the tool.
public struct ProjectTemplate: Sendable, Equatable {
    public var kind: TemplateKind
    /// Sorted by path.
    public var files: [TemplateFile]

    public init(kind: TemplateKind, files: [TemplateFile]) {
        self.kind = kind
        self.files = files.sorted { $0.path < $1.path }
    }

    /// The template as shipped: `Templates/<kind>` copied into this module's resource bundle,
    /// which SwiftPM puts beside the `swift-lambda` executable.
    public static func bundled(_ kind: TemplateKind) throws(TemplateError) -> ProjectTemplate {
        guard let resources = Bundle.module.resourcePath else {
            throw .missing(kind: kind, path: Bundle.module.bundlePath)
        }
        return try load(kind, from: "\(resources)/\(kind.rawValue)")
    }

    /// Every file under `directory` (hidden ones included: `.gitignore` is part of a template).
    public static func load(_ kind: TemplateKind, from directory: String) throws(TemplateError) -> ProjectTemplate {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missing(kind: kind, path: directory)
        }
        guard let paths = FileManager.default.subpaths(atPath: directory) else {
            throw .unreadable(path: directory, reason: "cannot list it")
        }
        var files: [TemplateFile] = []
        for path in paths {
            let full = "\(directory)/\(path)"
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            guard let data = FileManager.default.contents(atPath: full) else {
                throw .unreadable(path: full, reason: "cannot read it")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw .unreadable(path: full, reason: "it is not UTF-8 text")
            }
            files.append(TemplateFile(path: path, contents: text))
        }
        return ProjectTemplate(kind: kind, files: files)
    }

    /// The project's files: every `{{NAME}}` in paths and contents replaced by its value. An
    /// unknown placeholder is an error, so a typo in a template never reaches a user's project.
    public func render(_ values: TemplateValues) throws(TemplateError) -> [TemplateFile] {
        let placeholders = values.placeholders
        var rendered: [TemplateFile] = []
        for file in files {
            rendered.append(
                TemplateFile(
                    path: try Self.substitute(file.path, placeholders, in: file.path),
                    contents: try Self.substitute(file.contents, placeholders, in: file.path)))
        }
        return rendered.sorted { $0.path < $1.path }
    }

    /// Replaces `{{NAME}}` (NAME of capital letters, digits and `_`); any other text, including
    /// `{{` that does not open such a placeholder, is kept as it is.
    static func substitute(_ text: String, _ placeholders: [String: String], in file: String) throws(TemplateError)
        -> String
    {
        var result = ""
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            let name = afterOpen.prefix { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }
            guard !name.isEmpty, afterOpen[name.endIndex...].hasPrefix("}}") else {
                result += "{{"
                rest = afterOpen
                continue
            }
            guard let value = placeholders[String(name)] else {
                throw .unknownPlaceholder(file: file, name: String(name))
            }
            result += value
            rest = afterOpen[afterOpen.index(name.endIndex, offsetBy: 2)...]
        }
        return result + rest
    }
}

/// Why a template could not be read or rendered.
public enum TemplateError: Error, Sendable, Equatable {
    case missing(kind: TemplateKind, path: String)
    case unreadable(path: String, reason: String)
    case unknownPlaceholder(file: String, name: String)
}

extension TemplateError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .missing(let kind, let path):
            return
                "the \(kind.rawValue) template is missing (looked in \(path)); install swift-lambda with its swift-lambda_ProjectTemplates.resources folder beside the executable"
        case .unreadable(let path, let reason):
            return "cannot read the template file \(path) (\(reason)); reinstall swift-lambda"
        case .unknownPlaceholder(let file, let name):
            return
                "the template file \(file) uses an unknown placeholder {{\(name)}}; fix the template (known: PACKAGE_NAME, PRODUCT_NAME, MODULE_NAME, SWIFT_TOOLS_VERSION)"
        }
    }
}
