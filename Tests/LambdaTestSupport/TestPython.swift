// The Python that the deploy tests' independent tools run on (moto, boto3, botocore), and the
// scripts of Python/ run with it. scripts/install-deps makes one available on a fresh machine: the
// python3 on PATH when it already has moto[server] and boto3, else a venv at
// /opt/swift-lambda-test-python.

public import Foundation
import LambdaSupport

public enum TestPython {
    /// Where scripts/install-deps puts a venv when the system's python3 lacks the test tools.
    public static let venvInterpreter = "/opt/swift-lambda-test-python/bin/python3"

    /// `SWIFT_LAMBDA_TEST_PYTHON` when set, else the install-deps venv when it exists, else
    /// `python3` on `PATH`: the one place every helper here picks its interpreter.
    public static func interpreter(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let chosen = environment["SWIFT_LAMBDA_TEST_PYTHON"], !chosen.isEmpty {
            return try ExecutableLookup(environment: environment).resolve(chosen)
        }
        if FileManager.default.isExecutableFile(atPath: venvInterpreter) {
            return venvInterpreter
        }
        do {
            return try ExecutableLookup(environment: environment).resolve("python3")
        } catch {
            throw TestToolError(description: "\(error); run scripts/install-deps, or set SWIFT_LAMBDA_TEST_PYTHON to a python with moto[server] and boto3")
        }
    }

    /// Tests/LambdaTestSupport/Python, where the helpers' scripts are (read by path, as
    /// RuntimeFixtures reads its C sources).
    public static var scriptsDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Python").path
    }

    /// Runs `Python/<script>` with `arguments` and returns what it printed on standard output.
    /// The AWS variables of the test process are removed, and the shared config and credentials
    /// files hidden, so the developer's own AWS setup never reaches a check. A non-zero exit
    /// throws `ProcessError.failed` with the script's standard error (a traceback).
    static func run(script: String, _ arguments: [String]) async throws -> [UInt8] {
        let environment = ProcessInfo.processInfo.environment
        var overrides: [String: String?] = [
            "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "PYTHONDONTWRITEBYTECODE": "1",
        ]
        for key in environment.keys where key.hasPrefix("AWS_") && overrides[key] == nil {
            overrides[key] = .some(nil)
        }
        let invocation = Invocation(
            executable: try interpreter(environment: environment),
            arguments: ["\(scriptsDirectory)/\(script)"] + arguments, environment: overrides)
        return try await SubprocessRunner(environment: environment).capture(invocation).standardOutput
    }

    /// `body` given a new file holding `contents`, removed afterwards: how scripts get inputs too
    /// large for an argument (a 50 MB zip in base64).
    static func withInputFile<T>(_ contents: Data, _ body: (String) async throws -> T) async throws -> T {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("swift-lambda-python-input-\(UUID().uuidString.prefix(8)).json").path
        guard FileManager.default.createFile(atPath: path, contents: contents) else {
            throw TestToolError(description: "could not write \(path)")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }
}

/// A test tool (moto, a script, the suite's download) that did not work; the description says
/// what to do.
public struct TestToolError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
}
