import Foundation

/// What `swift package describe --type json` says about a package: the only
/// source of truth the planner uses, so implicit executable products of
/// `executableTarget`s are seen exactly as SwiftPM sees them.
public struct PackageDescription: Sendable, Equatable, Decodable {
    public var name: String
    /// The `name:` of the manifest; SwiftPM names resource bundles after it.
    public var displayName: String
    public var path: String
    public var products: [Product]
    public var targets: [Target]
    /// The roots of the packages it depends on by path (`.package(path:)`), absolute.
    public var localDependencies: [String]

    public struct Product: Sendable, Equatable, Decodable {
        public var name: String
        public var targets: [String]
        public var kind: String

        public init(name: String, targets: [String], kind: String) {
            self.name = name
            self.targets = targets
            self.kind = kind
        }

        public var isExecutable: Bool { kind == "executable" }

        enum CodingKeys: String, CodingKey { case name, targets, type }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            targets = try container.decodeIfPresent([String].self, forKey: .targets) ?? []
            // The type is an object with one key naming the kind: {"executable": null}.
            let type = try container.nestedContainer(keyedBy: AnyKey.self, forKey: .type)
            kind = type.allKeys.first?.stringValue ?? "unknown"
        }
    }

    public struct Target: Sendable, Equatable, Decodable {
        public var name: String
        public var type: String
        public var path: String
        public var hasResources: Bool
        public var targetDependencies: [String]
        public var productDependencies: [String]

        public init(
            name: String, type: String = "library", path: String = "", hasResources: Bool = false,
            targetDependencies: [String] = [], productDependencies: [String] = []
        ) {
            self.name = name
            self.type = type
            self.path = path
            self.hasResources = hasResources
            self.targetDependencies = targetDependencies
            self.productDependencies = productDependencies
        }

        enum CodingKeys: String, CodingKey {
            case name, type, path, resources
            case targetDependencies = "target_dependencies"
            case productDependencies = "product_dependencies"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            type = try container.decodeIfPresent(String.self, forKey: .type) ?? "library"
            path = try container.decodeIfPresent(String.self, forKey: .path) ?? ""
            let resources = try container.decodeIfPresent([Resource].self, forKey: .resources) ?? []
            hasResources = !resources.isEmpty
            targetDependencies = try container.decodeIfPresent([String].self, forKey: .targetDependencies) ?? []
            // Informational only, so a change in its shape must not break planning.
            productDependencies = (try? container.decodeIfPresent([String].self, forKey: .productDependencies)) ?? []
        }

        struct Resource: Decodable { var path: String }
    }

    public init(
        name: String, displayName: String? = nil, path: String, products: [Product], targets: [Target], localDependencies: [String] = []
    ) {
        self.name = name
        self.displayName = displayName ?? name
        self.path = path
        self.products = products
        self.targets = targets
        self.localDependencies = localDependencies
    }

    enum CodingKeys: String, CodingKey {
        case name, path, products, targets, dependencies
        case displayName = "manifest_display_name"
    }

    struct Dependency: Decodable {
        var type: String?
        var path: String?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName) ?? name
        path = try container.decode(String.self, forKey: .path)
        products = try container.decodeIfPresent([Product].self, forKey: .products) ?? []
        targets = try container.decodeIfPresent([Target].self, forKey: .targets) ?? []
        // Informational (what a change affects), so a change in its shape must not break planning.
        let dependencies = (try? container.decodeIfPresent([Dependency].self, forKey: .dependencies)) ?? []
        localDependencies = dependencies.compactMap { dependency in
            ["fileSystem", "local"].contains(dependency.type ?? "") ? dependency.path : nil
        }
    }

    /// Decodes SwiftPM's JSON. SwiftPM may print notes before the JSON
    /// object, so decoding starts at the first line that opens one.
    public static func decode(fromDescribeOutput output: [UInt8]) throws -> PackageDescription {
        var start = output.startIndex
        if let brace = output.firstIndex(of: UInt8(ascii: "{")) {
            start = output[..<brace].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? output.startIndex
        }
        return try JSONDecoder().decode(PackageDescription.self, from: Data(output[start...]))
    }

    public var executableProducts: [Product] { products.filter(\.isExecutable) }

    public func target(named name: String) -> Target? { targets.first { $0.name == name } }

    /// The product's targets and, transitively, every target of this package
    /// they depend on, in a stable order (breadth first from the product).
    public func targetClosure(of product: Product) -> [Target] {
        var seen: Set<String> = []
        var queue = product.targets
        var closure: [Target] = []
        while !queue.isEmpty {
            let name = queue.removeFirst()
            guard seen.insert(name).inserted, let target = target(named: name) else { continue }
            closure.append(target)
            queue.append(contentsOf: target.targetDependencies)
        }
        return closure
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
