import Foundation
import LambdaTestSupport
import Testing

/// One deploy test's world: the moto server (reset for it), a HOME of its own (no developer's
/// ~/.aws reaches the tool), the environment the CLI runs with, and boto3 pointed at the same
/// server to read back what the tool did.
struct DeployScene {
    let server: MotoServer
    let home: String
    /// moto's credentials, region and endpoint, the temporary HOME, no instance metadata, PATH.
    let environment: [String: String]

    init(_ server: MotoServer) throws {
        self.server = server
        home = try Harness.temporaryDirectory(prefix: "deploy-home")
        environment = server.environment.merging([
            "HOME": home, "AWS_EC2_METADATA_DISABLED": "true",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]) { $1 }
    }

    /// The built `swift-lambda`, off the cooperative pool, with `environment` unless told otherwise.
    func run(_ arguments: [String], in directory: String, environment: [String: String]? = nil) async throws -> CLIResult {
        try await Harness.runOffThePool(arguments, in: directory, environment: environment ?? self.environment)
    }

    /// `run`, expecting exit status 0 (the output is in the failure's message otherwise).
    @discardableResult
    func succeed(
        _ arguments: [String], in directory: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> CLIResult {
        let result = try await run(arguments, in: directory)
        #expect(
            result.status == 0, "swift-lambda \(arguments.joined(separator: " ")) exited \(result.status):\n\(result.standardError)",
            sourceLocation: sourceLocation)
        return result
    }

    /// One boto3 call on this scene's server.
    func call(_ service: String, _ operation: String, _ parameters: [String: Any] = [:]) async throws -> Boto3Response {
        try await Boto3.call(service, operation, parameters, endpoint: server.endpoint)
    }

    /// Several boto3 calls in one Python process, in order.
    func calls(_ calls: [(String, String, [String: Any])]) async throws -> [Boto3Response] {
        try await Boto3.calls(calls.map { (service: $0.0, operation: $0.1, parameters: $0.2) }, endpoint: server.endpoint)
    }

    /// `get_function`'s Configuration, or nil when moto has no such function.
    func configuration(_ name: String) async throws -> [String: Any]? {
        try Self.configuration(try await call("lambda", "get_function", ["FunctionName": name]))
    }

    /// The Configuration of each function named, nil for one moto does not have, in one process.
    func configurations(_ names: [String]) async throws -> [[String: Any]?] {
        try await calls(names.map { ("lambda", "get_function", ["FunctionName": $0]) }).map(Self.configuration)
    }

    static func configuration(_ answer: Boto3Response) throws -> [String: Any]? {
        if answer.errorCode == "ResourceNotFoundException" { return nil }
        return try #require(answer["Configuration"] as? [String: Any], "\(answer.text)")
    }

    /// What deploy may create: moto's functions (by name), whether the execution role exists,
    /// and the S3 buckets.
    struct Account: Equatable {
        var functions: [String]
        var hasRole: Bool
        var buckets: [String]

        static let empty = Account(functions: [], hasRole: false, buckets: [])
    }

    func account() async throws -> Account {
        let answers = try await calls([
            ("lambda", "list_functions", [:]), ("iam", "get_role", ["RoleName": "swift-lambda-execution"]), ("s3", "list_buckets", [:]),
        ])
        let functions = ((answers[0]["Functions"] as? [[String: Any]]) ?? []).compactMap { $0["FunctionName"] as? String }
        try #require(answers[1].errorCode == nil || answers[1].errorCode == "NoSuchEntity", "\(answers[1].text)")
        let buckets = ((answers[2]["Buckets"] as? [[String: Any]]) ?? []).compactMap { $0["Name"] as? String }
        return Account(functions: functions.sorted(), hasRole: answers[1].errorCode == nil, buckets: buckets.sorted())
    }
}

/// Facts about artifacts, found without the tool's code.
enum DeployFacts {
    /// Lambda's `CodeSha256` of a file: base64 of its SHA-256, by `sha256sum`.
    static func codeSha256(_ path: String) throws -> String {
        let hex = try Harness.runProcess("/usr/bin/sha256sum", [path], in: "/").standardOutput.prefix(64)
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(try #require(UInt8(hex[index..<next], radix: 16)))
            index = next
        }
        try #require(bytes.count == 32, "sha256sum \(path): \(hex)")
        return Data(bytes).base64EncodedString()
    }

    /// Lambda's name for an ELF file's machine, from `e_machine` (bytes 18-19, little-endian).
    static func architecture(_ path: String) throws -> String {
        let handle = try #require(FileHandle(forReadingAtPath: path), "cannot open \(path)")
        defer { try? handle.close() }
        let header = [UInt8](try handle.read(upToCount: 20) ?? Data())
        try #require(header.count == 20 && header.starts(with: [0x7F, 0x45, 0x4C, 0x46]), "\(path) is not an ELF file")
        switch UInt16(header[18]) | UInt16(header[19]) << 8 {
        case 62: return "x86_64"
        case 183: return "arm64"
        case let machine: return "machine \(machine)"
        }
    }

    /// The Examples' lambda directory (each function's directory and its bootstrap.zip), copied
    /// from the suite's one build into a directory of this test's own.
    static func examplesLambdaDirectory() async throws -> String {
        let built = try await SharedExamplesBuild.shared.built()
        try #require(built.result.status == 0, "the Examples build failed:\n\(built.result.standardError)")
        let copy = "\(try Harness.temporaryDirectory(prefix: "deploy-examples"))/lambda"
        try FileManager.default.copyItem(atPath: built.lambdaDirectory, toPath: copy)
        return copy
    }

    /// Each line of `--message-format json` output, as an object.
    static func jsonLines(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    /// The `deployed` object of `name` in JSON lines.
    static func deployed(_ name: String, in lines: [[String: Any]]) throws -> [String: Any] {
        try #require(lines.first { $0["reason"] as? String == "deployed" && $0["name"] as? String == name }, "no object for \(name)")
    }

    static func finished(in lines: [[String: Any]]) throws -> [String: Any] {
        try #require(lines.last.flatMap { $0["reason"] as? String == "deploy-finished" ? $0 : nil }, "no deploy-finished last")
    }

    /// The lines of standard error that are errors.
    static func errorLines(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("error:") }
    }
}
