/// The names a generated project uses, all derived from the one the user gives.
///
/// The product is the name as given, because it becomes the Lambda function's (or extension's)
/// name: `target/lambda/<product>/`, and the file name an extension must register under. The
/// module is an UpperCamelCase Swift identifier derived from it (`hello-world` -> `HelloWorld`),
/// because a product name may hold `-`, which a module name cannot.
public struct ProjectNames: Sendable, Equatable {
    /// The package's name in `Package.swift` (for `init`, the existing package's).
    public var package: String
    /// The executable product: the Lambda function or extension name.
    public var product: String
    /// The executable target; the test target is `<module>Tests`.
    public var module: String

    /// Validates `product` and derives the module name from it.
    public init(package: String, product: String) throws(NameError) {
        try Self.validate(product)
        self.package = package
        self.product = product
        self.module = try Self.moduleName(for: product)
    }

    public var testModule: String { module + "Tests" }

    /// At most 64 of these characters is what Lambda accepts as a function name
    /// (the CreateFunction API's FunctionName pattern, without the ARN forms).
    public static let maximumLength = 64

    /// Checks that `name` can be a Lambda function name and a product name that the command
    /// line, file systems and TOML keys take as it is.
    public static func validate(_ name: String) throws(NameError) {
        guard !name.isEmpty else { throw .empty }
        if let bad = name.unicodeScalars.first(where: { !isAllowed($0) }) {
            throw .invalidCharacter(name: name, character: Character(bad))
        }
        guard name.count <= maximumLength else { throw .tooLong(name: name, length: name.count) }
        guard let first = name.unicodeScalars.first, isLetter(first) else { throw .doesNotStartWithALetter(name: name) }
    }

    /// The UpperCamelCase module name for a valid `name`: split at `-` and `_`, each part's first
    /// letter capitalised, the rest kept (`api-v2` -> `ApiV2`, `myHTTPThing` -> `MyHTTPThing`).
    public static func moduleName(for name: String) throws(NameError) -> String {
        try validate(name)
        let parts = name.split(whereSeparator: { $0 == "-" || $0 == "_" })
        let module = parts.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        if reservedModuleNames.contains(module) { throw .reservedModuleName(name: name, module: module) }
        return module
    }

    /// Module names the generated code imports (or the language reserves): a target named like
    /// one of them would shadow it and the package would not compile.
    public static let reservedModuleNames: Set<String> = [
        "Swift", "Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationInternationalization",
        "Glibc", "Musl", "Darwin", "Dispatch", "Testing", "XCTest", "AWSLambdaRuntime", "AWSLambdaEvents",
        "HTTPTypes", "Logging", "Any", "Self", "Type", "Protocol",
    ]

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        isLetter(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
    }
}

/// Why a name cannot be used; each description is the one line the user sees.
public enum NameError: Error, Sendable, Equatable {
    case empty
    case invalidCharacter(name: String, character: Character)
    case tooLong(name: String, length: Int)
    case doesNotStartWithALetter(name: String)
    case reservedModuleName(name: String, module: String)
}

extension NameError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .empty:
            return "the name is empty; give a Lambda function name such as hello-world"
        case .invalidCharacter(let name, let character):
            let printable = character.unicodeScalars.allSatisfy { (0x21..<0x7F).contains($0.value) }
            let code = character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }
            let shown = character == " " ? "a space" : printable ? "'\(character)'" : code.joined(separator: " ")
            return
                "'\(name)' is not a valid Lambda function name: it contains \(shown); use only letters, digits, '-' and '_'"
        case .tooLong(let name, let length):
            return
                "'\(name)' is \(length) characters long; Lambda function names have at most \(ProjectNames.maximumLength)"
        case .doesNotStartWithALetter(let name):
            return
                "'\(name)' does not start with a letter; start it with one, so that a Swift module name can be derived from it"
        case .reservedModuleName(let name, let module):
            return
                "'\(name)' would make a Swift module named \(module), which the generated code imports or Swift reserves; choose another name"
        }
    }
}
