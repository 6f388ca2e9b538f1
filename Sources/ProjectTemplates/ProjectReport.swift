/// What `new` or `init` did, for the summary the CLI prints.
public struct ProjectReport: Sendable, Equatable {
    public var kind: TemplateKind
    public var names: ProjectNames
    /// The package's root directory, absolute.
    public var root: String
    /// Files written, relative to `root`, sorted.
    public var created: [String]
    /// Files changed in place (`init`): `Package.swift`, and `swift-lambda.toml` when appended to.
    public var edited: [String] = []
    /// Things the user should know, one sentence each.
    public var notes: [String] = []

    public init(
        kind: TemplateKind, names: ProjectNames, root: String, created: [String], edited: [String] = [],
        notes: [String] = []
    ) {
        self.kind = kind
        self.names = names
        self.root = root
        self.created = created
        self.edited = edited
        self.notes = notes
    }

    /// The command that builds the new product as the template's README says; in a package
    /// with other products (`init`), for this product only.
    public func buildCommand(onlyThisProduct: Bool) -> String {
        "swift-lambda build --release --output-format zip" + (kind == .extension ? " --extension" : "")
            + (onlyThisProduct ? " --product \(names.product)" : "")
    }

    /// How to try it, for functions; extensions run beside a function on Lambda.
    public var invokeCommand: String? {
        switch kind {
        case .function: "swift-lambda invoke \(names.product) --zip --data '{\"name\": \"Ada\"}'"
        case .http: "swift-lambda invoke \(names.product) --zip --data \"$(cat events/\(names.product).json)\""
        case .extension: nil
        }
    }

    /// The summary: what was written, then the next commands. `displayRoot` is `root` as the user
    /// should read it (relative to the current directory when inside it).
    public func lines(displayRoot: String, isNew: Bool) -> [String] {
        let verb = isNew ? "Created" : "Added"
        var lines = ["\(verb) \(kind.displayName) '\(names.product)' (module \(names.module)) in \(displayRoot):"]
        lines += created.map { "  \($0)" }
        lines += edited.map { "  \($0) (edited)" }
        lines += notes.map { "note: \($0)" }
        lines.append("Next:")
        if isNew && displayRoot != "." { lines.append("  cd \(displayRoot)") }
        lines.append("  \(buildCommand(onlyThisProduct: !isNew))")
        if let invokeCommand { lines.append("  \(invokeCommand)") }
        return lines
    }
}
