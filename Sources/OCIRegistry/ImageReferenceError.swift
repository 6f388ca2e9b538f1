/// A destination, repository or tag the distribution grammar refuses: each in one line naming
/// the bad part, the rule, and an example that works.
public enum ImageReferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyDestination(subject: String)
    /// Not `host[:port]` at all (a space, an empty label, a bad IPv6 literal).
    case badRegistry(subject: String, registry: String)
    /// A plain word: Docker would read it as a Docker Hub namespace, which is ambiguous here.
    case notARegistryHost(subject: String, registry: String)
    case badPort(subject: String, port: String)
    case badPathComponent(subject: String, component: String)
    case badTag(String)
    case badFunctionName(String)
    case tooLong(subject: String, length: Int)

    static let example = "give HOST[:PORT][/NAMESPACE], e.g. 127.0.0.1:5000/team"
    static let componentRule =
        "lower-case letters and digits, joined by '.', '_', '__' or dashes ([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)"

    public var description: String {
        switch self {
        case .emptyDestination(let subject):
            return "\(subject): no registry; \(Self.example)"
        case .badRegistry(let subject, let registry):
            return "\(subject): '\(registry)' is not a registry host; \(Self.example)"
        case .notARegistryHost(let subject, let registry):
            return
                "\(subject): '\(registry)' is not a registry host (a host has a dot or a port, or is localhost); \(Self.example), or docker.io/\(registry) for Docker Hub"
        case .badPort(let subject, let port):
            return "\(subject): '\(port)' is not a port (1 to 65535); \(Self.example)"
        case .badPathComponent(let subject, let component):
            let shown =
                component.isEmpty
                ? "an empty path component (two '/' in a row)" : "'\(component)' is not a repository path component"
            return "\(subject): \(shown); use \(Self.componentRule)"
        case .badTag(let tag):
            return
                "--image-tag '\(tag)': not an image tag; use up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-' ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})"
        case .badFunctionName(let name):
            return
                "function '\(name)' cannot name an image repository, even lower-cased ('\(name.lowercased())'); repository names use \(Self.componentRule): rename the product"
        case .tooLong(let subject, let length):
            return
                "\(subject): the image name is \(length) characters, over the registry limit of 255; use a shorter namespace"
        }
    }
}
