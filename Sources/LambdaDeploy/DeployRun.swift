public import AWSClient
import Foundation
public import LambdaBuild

/// One function to deploy: its code (a zip, or an image to push) and what it should be.
/// `spec.layers` may hold layer names; they are resolved to version ARNs once the run's
/// extensions are published.
public struct DeployJob: Sendable {
    public enum Code: Sendable {
        case zip(DeployZip)
        case image(DeployImage)
    }

    public var code: Code
    public var spec: FunctionSpec

    public init(zip: DeployZip, spec: FunctionSpec) {
        self.code = .zip(zip)
        self.spec = spec
    }

    public init(image: DeployImage, spec: FunctionSpec) {
        self.code = .image(image)
        self.spec = spec
    }
}

/// The AWS half of `deploy`: extensions first (their layers may be named by the functions),
/// then the functions, each phase at most `concurrency` at once. Failures do not stop the
/// others; they are returned with the reports.
public struct DeployRun: Sendable {
    public var client: AWSClient
    public var dryRun: Bool
    public var concurrency: Int
    public var wait: WaitPolicy
    public var bucket: String?
    /// Pushes image functions' images (nil when the run has none).
    public var pusher: ImagePusher?
    /// Called as each function or extension finishes, in completion order.
    public var finished: @Sendable (Result<DeployReport, DeployFailure>) -> Void

    public init(
        client: AWSClient, dryRun: Bool, concurrency: Int = 4, wait: WaitPolicy = WaitPolicy(), bucket: String? = nil,
        pusher: ImagePusher? = nil, finished: @escaping @Sendable (Result<DeployReport, DeployFailure>) -> Void = { _ in }
    ) {
        self.client = client
        self.dryRun = dryRun
        self.concurrency = concurrency
        self.wait = wait
        self.bucket = bucket
        self.pusher = pusher
        self.finished = finished
    }

    public struct Outcome: Sendable {
        public var reports: [DeployReport]
        public var failures: [DeployFailure]
    }

    public func run(extensions: [DeployZip], functions: [DeployJob], runtimes: [String]) async -> Outcome {
        let lambda = LambdaAPI(client: client)
        let uploader = CodeUploader(client: client, bucket: bucket)
        let layers = LayerDeployer(lambda: lambda, uploader: uploader, dryRun: dryRun)
        let layerResults = await Self.bounded(extensions, concurrency: concurrency) { zip in
            await reported(zip.name, .extension) {
                try await layers.deploy(zip, runtimes: runtimes, description: "swift-lambda extension \(zip.name)")
            }
        }
        var layerARNs: [String: String] = [:]
        for case .success(let report) in layerResults { if let arn = report.arn { layerARNs[report.name] = arn } }
        let published = layerARNs
        let deployer = FunctionDeployer(
            lambda: lambda, role: ExecutionRole(client: client, dryRun: dryRun), uploader: uploader, pusher: pusher, dryRun: dryRun, wait: wait)
        let functionResults = await Self.bounded(functions, concurrency: concurrency) { job in
            await reported(job.spec.name, .function) {
                var spec = job.spec
                if let names = spec.layers { spec.layers = try await resolveLayers(names, published: published, lambda: lambda) }
                return try await deployer.deploy(spec, code: job.code)
            }
        }
        var reports: [DeployReport] = []
        var failures: [DeployFailure] = []
        for result in layerResults + functionResults {
            switch result {
            case .success(let report): reports.append(report)
            case .failure(let failure): failures.append(failure)
            }
        }
        return Outcome(reports: reports, failures: failures)
    }

    /// One deploy's result, handed to `finished` as it comes.
    func reported(
        _ name: String, _ kind: DeployReport.Kind, _ body: () async throws -> DeployReport
    ) async -> Result<DeployReport, DeployFailure> {
        let result: Result<DeployReport, DeployFailure>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(DeployFailure(name: name, kind: kind, error: error))
        }
        finished(result)
        return result
    }

    /// An ARN as given; a name as the layer this run published, else that layer's newest version.
    func resolveLayers(_ names: [String], published: [String: String], lambda: LambdaAPI) async throws -> [String] {
        var arns: [String] = []
        for name in names {
            if name.hasPrefix("arn:") {
                arns.append(name)
            } else if let arn = published[name] {
                arns.append(arn)
            } else if let arn = try await lambda.latestLayerVersion(name)?.LayerVersionArn {
                arns.append(arn)
            } else if dryRun {
                // Published by this run's extensions when it is not a dry run.
                arns.append("\(name) (not published yet)")
            } else {
                throw DeployError.noSuchLayer(name, region: client.region)
            }
        }
        return arns
    }

    /// `work` over `items`, at most `concurrency` at once; results in the items' order.
    static func bounded<Item: Sendable, Output: Sendable>(
        _ items: [Item], concurrency: Int, _ work: @escaping @Sendable (Item) async -> Output
    ) async -> [Output] {
        await withTaskGroup(of: (Int, Output).self) { group in
            var results: [Output?] = Array(repeating: nil, count: items.count)
            var next = 0
            for _ in 0..<min(max(concurrency, 1), items.count) {
                let index = next
                group.addTask { (index, await work(items[index])) }
                next += 1
            }
            while let (index, output) = await group.next() {
                results[index] = output
                if next < items.count {
                    let index = next
                    group.addTask { (index, await work(items[index])) }
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }
}

/// A function or extension that could not be deployed, and why.
public struct DeployFailure: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var kind: DeployReport.Kind
    public var error: any Error

    public var description: String { "\(kind == .extension ? "layer " : "")\(name): \(error)" }
}
