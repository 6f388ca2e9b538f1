public import LambdaEmulator

/// The environment Lambda gives a custom runtime (aws-lambda-base-images,
/// Dockerfile.provided.al2023), with the sandbox's fixed paths mapped to local ones: `/var/task`
/// is the unpacked function, `/opt` the unpacked layers. Nothing of the caller's own environment
/// is passed on, so a function cannot work locally only because of something in a developer's
/// shell; `--env` adds what it needs.
public enum LambdaEnvironment {
    /// Keys `--env` may not set: they tie the process to this emulator and this artifact.
    public static let reserved: Set<String> = ["AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "AWS_LAMBDA_FUNCTION_NAME"]

    /// `--env` assignments as a dictionary; a later assignment of a key wins.
    public static func parse(_ assignments: [String]) throws(InvokeError) -> [String: String] {
        var result: [String: String] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw .invalidEnvironment(assignment)
            }
            let key = String(assignment[..<equals])
            guard key.utf8.allSatisfy({ $0 != 0 && $0 != UInt8(ascii: " ") }), !assignment.utf8.contains(0) else {
                throw .invalidEnvironment(assignment)
            }
            guard !reserved.contains(key) else { throw .reservedEnvironment(key) }
            result[key] = String(assignment[assignment.index(after: equals)...])
        }
        return result
    }

    /// The function's identity, with `AWS_REGION`, `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` and
    /// `AWS_LAMBDA_FUNCTION_VERSION` taken from `overrides` when given, so the headers and the
    /// environment agree.
    public static func identity(name: String, overrides: [String: String]) -> FunctionIdentity {
        FunctionIdentity(
            name: name,
            version: overrides["AWS_LAMBDA_FUNCTION_VERSION"] ?? "$LATEST",
            memorySize: overrides["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"].flatMap { Int($0) } ?? 128,
            region: overrides["AWS_REGION"] ?? "us-east-1")
    }

    /// The complete environment of the function and its extensions.
    public static func variables(
        for function: FunctionIdentity, runtimeAPI: String, taskRoot: String, optRoot: String,
        overrides: [String: String]
    ) -> [String: String] {
        var variables = [
            "AWS_LAMBDA_RUNTIME_API": runtimeAPI,
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": String(function.memorySize),
            "AWS_LAMBDA_FUNCTION_VERSION": function.version,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/\(function.name)",
            "AWS_LAMBDA_LOG_STREAM_NAME": "local",
            "AWS_REGION": function.region,
            "AWS_DEFAULT_REGION": function.region,
            "LAMBDA_TASK_ROOT": taskRoot,
            "_HANDLER": "bootstrap",
            // Lambda: /var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib.
            // The system directories are the host's defaults already; the task's and the layers' are not.
            "LD_LIBRARY_PATH": "\(taskRoot):\(taskRoot)/lib:\(optRoot)/lib",
            "PATH": "/usr/local/bin:/usr/bin:/bin:\(optRoot)/bin",
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
        ]
        variables.merge(overrides) { _, override in override }
        return variables
    }

    /// Words in a variable's name that mark its value as a secret, for `-v`'s printout.
    static let secretWords = ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE", "API_KEY", "ACCESS_KEY", "AUTH"]

    /// Whether `name` looks like it holds a secret (`AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`, `DB_PASSWORD`, `*_KEY`).
    public static func looksSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return secretWords.contains { upper.contains($0) } || upper.hasSuffix("_KEY") || upper == "KEY"
    }

    /// `KEY=value` lines, sorted, with the value of every secret-looking variable masked.
    public static func displayed(_ variables: [String: String]) -> [String] {
        variables.keys.sorted().map { name in "\(name)=\(looksSecret(name) ? "****" : variables[name] ?? "")" }
    }
}
