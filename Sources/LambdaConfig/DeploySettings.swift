import Foundation

/// Which command reads which setting, and the deploy settings' own rules.
/// `build` never reads a deploy setting (a `[deploy]` table changes nothing it
/// does), and `deploy` reads a few build settings as `build` resolves them:
/// `runtime` (the runtime the artifact was checked against is the one it is
/// deployed to), and for images `output-format` (a function built as an image is
/// deployed as one), `push`, `image-tag` and `insecure-registry` (where build pushes it).
extension Setting {
    /// The settings of `swift-lambda build`: the keys of `[build]`.
    public static let build: [Setting] = allCases.filter { !$0.isDeploy }

    /// Deploy settings of the whole run, set in `[deploy]` (or by flags) only.
    public static let deployRunWide: [Setting] = [.region, .profile, .endpointURL, .s3Bucket]

    /// Deploy settings a function may change: in `[deploy]` for every function,
    /// `[functions.<product>]` for one.
    public static let deployPerFunction: [Setting] = [
        .iamRole, .memory, .timeout, .env, .envFile, .tags, .layers, .functionDescription, .publish, .alias, .functionURL,
        .functionURLAuth,
    ]

    /// The keys of `[deploy]`.
    public static let deploy: [Setting] = deployRunWide + deployPerFunction

    /// The keys of `[functions.<product>]`: what build and deploy let one function change.
    public static let functionTable: [Setting] = perFunction + deployPerFunction

    public var isDeploy: Bool { Self.deployRunWide.contains(self) || Self.deployPerFunction.contains(self) }

    /// Whether a `SWIFT_LAMBDA_*` variable sets it. Tables have none (a
    /// variable holds one string), and the connection (`region`, `profile`,
    /// `endpoint-url`) comes from the AWS SDKs' own variables, read with the credentials.
    public var isReadFromEnvironment: Bool {
        type != .table && ![.region, .profile, .endpointURL].contains(self)
    }

    /// The flag that sets it: its name, except the repeatable `--layer` and `--tag`.
    public var flag: String {
        switch self {
        case .layers: "--layer"
        case .tags: "--tag"
        default: "--\(rawValue)"
        }
    }
}

/// What each deploy setting accepts: Lambda's own limits and name rules, so a
/// value Lambda would refuse is refused before any call, with where it was written.
public enum DeployChoices {
    /// Lambda's reserved environment variables: it sets them, and refuses a function that sets one.
    public static let reservedVariables: Set<String> = [
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    ]

    public static let memory = 128...10240
    public static let timeout = 1...900
    /// Lambda's `Description` limit, in characters.
    public static let descriptionLength = 256
    /// Lambda's limit of layers on one function.
    public static let maximumLayers = 5
    public static let functionURLAuth = ["none", "iam"]

    /// What `setting` accepts when `value` is not valid; nil when it is, or when `setting` is not a deploy setting.
    /// A table is judged key by key (`Configuration.checkValues` passes one entry at a time).
    public static func expected(_ setting: Setting, _ value: SettingValue) -> String? {
        switch (setting, value) {
        case (.region, .string(let region)):
            return matches(region, #/[a-z]{2}(?:-[a-z]+)+-[0-9]+/#) ? nil : "an AWS region such as us-east-1"
        case (.profile, .string(let profile)):
            return profile.isEmpty ? "the name of a profile in ~/.aws/config or ~/.aws/credentials" : nil
        case (.endpointURL, .string(let url)):
            guard let parsed = URLComponents(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                parsed.host?.isEmpty == false
            else { return "an http:// or https:// URL such as http://127.0.0.1:5000" }
            return nil
        case (.s3Bucket, .string(let bucket)):
            return matches(bucket, #/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/#) && !bucket.contains("..")
                ? nil : "an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)"
        case (.iamRole, .string(let role)):
            return matches(role, #/arn:aws(?:-cn|-us-gov)?:iam::[0-9]{12}:role/(?:[A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{1,64}/#)
                ? nil : "a role ARN such as arn:aws:iam::123456789012:role/NAME (arn:aws-cn: and arn:aws-us-gov: too)"
        case (.memory, .integer(let megabytes)):
            return memory.contains(megabytes) ? nil : "megabytes from \(memory.lowerBound) to \(memory.upperBound)"
        case (.timeout, .integer(let seconds)):
            return timeout.contains(seconds) ? nil : "seconds from \(timeout.lowerBound) to \(timeout.upperBound)"
        case (.env, .table(let variables)):
            for key in variables.keys.sorted() {
                if reservedVariables.contains(key) { return "a name Lambda does not reserve (it sets \(key) itself)" }
                if !matches(key, #/[A-Za-z][A-Za-z0-9_]*/#) { return "names of a letter then letters, digits and _ ([A-Za-z][A-Za-z0-9_]*)" }
            }
            return nil
        case (.tags, .table(let tags)):
            for (key, tag) in tags {
                if key.isEmpty || key.count > 128 { return "tag keys of 1 to 128 characters" }
                if key.lowercased().hasPrefix("aws:") { return "tag keys that do not start with aws: (AWS reserves it)" }
                if tag.count > 256 { return "tag values of at most 256 characters" }
            }
            return nil
        case (.layers, .list(let layers)):
            if layers.count > maximumLayers { return "at most \(maximumLayers) layers (Lambda's limit)" }
            for layer in layers where !isLayer(layer) {
                return "layer version ARNs (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION) or layer names (letters, digits, - and _)"
            }
            return nil
        case (.functionDescription, .string(let text)):
            return text.count <= descriptionLength ? nil : "at most \(descriptionLength) characters (this is \(text.count))"
        case (.alias, .string(let alias)):
            return matches(alias, #/[a-zA-Z0-9_-]{1,128}/#) && !matches(alias, #/[0-9]+/#)
                ? nil : "an alias name of 1 to 128 letters, digits, - and _, not only digits"
        case (.functionURLAuth, .string(let auth)):
            return functionURLAuth.contains(auth) ? nil : functionURLAuth.joined(separator: " or ")
        case (.envFile, .string(let path)):
            return path.isEmpty ? "the path of a file of KEY=VALUE lines" : nil
        default:
            return nil
        }
    }

    /// A layer version's ARN, or a layer's name (its latest version is deployed).
    static func isLayer(_ layer: String) -> Bool {
        matches(layer, #/arn:aws(?:-cn|-us-gov)?:lambda:[a-z0-9-]+:[0-9]{12}:layer:[a-zA-Z0-9_-]{1,140}:[0-9]+/#)
            || matches(layer, #/[a-zA-Z0-9_-]{1,140}/#)
    }

    private static func matches(_ text: String, _ pattern: Regex<Substring>) -> Bool {
        text.wholeMatch(of: pattern) != nil
    }
}
