/// Turns a package description and a request into a `BuildPlan`. Pure: no
/// file system, no processes, so every decision is unit-tested.
public enum Planner {
    /// The binary directory is SwiftPM's answer to `--show-bin-path` for the
    /// same build arguments; the planner never guesses `.build` paths.
    public static func plan(
        package: PackageDescription, options: PlanOptions, binPath: String
    ) throws -> BuildPlan {
        let executables = package.executableProducts
        guard !executables.isEmpty else { throw PlanError.noExecutableProducts(package: package.displayName) }
        let available = executables.map(\.name).sorted()

        let selected = try select(options.products, from: executables, available: available)
        let selectedNames = selected.map(\.name)
        if let flatten = options.flatten {
            guard available.contains(flatten) else { throw PlanError.unknownFlatten(flatten, available: available) }
            guard selectedNames.contains(flatten) else {
                throw PlanError.flattenNotSelected(flatten, selected: selectedNames.sorted())
            }
        }

        // SwiftPM builds one product per invocation, or all of them at once.
        let builds =
            selected.count == executables.count
            ? [PlannedBuild(product: nil)] : selected.map { PlannedBuild(product: $0.name) }

        let artifacts = try selected.map { product in
            let own = options.applying(overridesFor: product.name)
            if own.outputFormat == .image, case .extension = own.kind { throw PlanError.imageOfExtension(product.name) }
            return artifact(for: product, in: package, options: own, binPath: binPath)
        }
        return BuildPlan(
            packageName: package.displayName,
            packagePath: package.path,
            configuration: options.configuration,
            builds: builds,
            artifacts: artifacts.sorted { $0.product < $1.product }
        )
    }

    /// The requested products in request order without repeats, or every
    /// executable product in the package's order.
    static func select(
        _ requested: [String], from executables: [PackageDescription.Product], available: [String]
    ) throws -> [PackageDescription.Product] {
        guard !requested.isEmpty else { return executables }
        var seen: Set<String> = []
        return try requested.compactMap { name in
            guard let product = executables.first(where: { $0.name == name }) else {
                throw PlanError.unknownProduct(name, available: available)
            }
            return seen.insert(name).inserted ? product : nil
        }
    }

    static func artifact(
        for product: PackageDescription.Product, in package: PackageDescription,
        options: PlanOptions, binPath: String
    ) -> PlannedArtifact {
        let base = options.lambdaDirectory
        let flattened = options.flatten == product.name
        let root: String
        let layout: ArtifactLayout
        var zip: PlannedZip?
        switch options.kind {
        case .function:
            root = flattened ? base : "\(base)/\(product.name)"
            layout = .function
            zip = PlannedZip(path: "\(root)/bootstrap.zip", layout: layout)
        case .extension(let isInternal):
            // The root is the layer's: what is under it lands in /opt.
            root = base
            layout = ArtifactLayout(executable: flattened ? product.name : "extensions/\(product.name)")
            let zipPath = flattened ? "\(base)/\(product.name).zip" : "\(base)/extensions/\(product.name).zip"
            zip = PlannedZip(path: zipPath, layout: .extensionZip(product.name, internal: isInternal))
        }
        if options.outputFormat != .zip { zip = nil }

        let closure = package.targetClosure(of: product)
        let bundles = closure.filter(\.hasResources).map { target in
            let name = "\(package.displayName)_\(target.name).resources"
            return PlannedBundle(name: name, source: "\(binPath)/\(name)")
        }
        return PlannedArtifact(
            product: product.name,
            kind: options.kind,
            sourceBinary: "\(binPath)/\(product.name)",
            stripsSymbols: options.stripsSymbols,
            targets: closure.map(\.name),
            root: root,
            ownsRoot: options.kind == .function && !flattened,
            layout: layout,
            bundles: bundles.sorted { $0.name < $1.name },
            includes: options.includes,
            zip: zip,
            image: options.outputFormat == .image ? "\(root)/image.tar" : nil
        )
    }
}
