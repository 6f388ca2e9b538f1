/// Why a request cannot be planned against this package. The wording says
/// what is wrong and what to do.
public enum PlanError: Error, Sendable, Equatable {
    case noExecutableProducts(package: String)
    case unknownProduct(String, available: [String])
    case unknownFlatten(String, available: [String])
    case flattenNotSelected(String, selected: [String])
    case imageOfExtension(String)
}

extension PlanError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .noExecutableProducts(let package):
            return "package '\(package)' has no executable product; add an .executableTarget (or an .executable product) for each Lambda function"
        case .unknownProduct(let name, let available):
            return "no executable product named '\(name)'; this package has: \(available.joined(separator: ", "))"
        case .unknownFlatten(let name, let available):
            return "--flatten names '\(name)', which is not an executable product; this package has: \(available.joined(separator: ", "))"
        case .flattenNotSelected(let name, let selected):
            return "--flatten names '\(name)', which this build does not include; add --product \(name) or flatten one of: \(selected.joined(separator: ", "))"
        case .imageOfExtension(let name):
            return "\(name) is an extension, and Lambda runs no extension images; build it with --output-format zip (a layer) and give the functions --output-format image"
        }
    }
}
