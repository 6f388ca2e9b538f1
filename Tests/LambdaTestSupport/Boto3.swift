// boto3 as the independent client of the deploy tests: what swift-lambda did to an AWS endpoint is
// read back through AWS's own SDK for Python, never through the tool's client (Python/boto3_call.py).

public import Foundation

/// One boto3 response: the operation's JSON, or, when the service refused, its error.
public struct Boto3Response: @unchecked Sendable {
    /// The response as JSONSerialization reads it, ResponseMetadata included. Datetimes are ISO
    /// 8601 strings; bytes (a StreamingBody, an Invoke Payload) are `{"$base64": "..."}`.
    /// A refusal is `{"error": {"Code": ..., "Message": ...}, "ResponseMetadata": ...}`.
    public let json: [String: Any]
    /// The JSON text as printed, for messages and for decoding into a Decodable.
    public let data: Data

    public init(data: Data) throws {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestToolError(description: "boto3_call.py printed no JSON object: \(String(decoding: data, as: UTF8.self))")
        }
        self.json = object
        self.data = data
    }

    public subscript(key: String) -> Any? { json[key] }

    /// The service's error code (`ResourceNotFoundException`, `NoSuchEntity`, `404` for
    /// head_object), nil when the call succeeded.
    public var errorCode: String? { (json["error"] as? [String: Any])?["Code"] as? String }
    public var errorMessage: String? { (json["error"] as? [String: Any])?["Message"] as? String }

    /// The HTTP status the service answered with.
    public var httpStatus: Int? { (json["ResponseMetadata"] as? [String: Any])?["HTTPStatusCode"] as? Int }

    /// The value at a path of keys and indices, e.g. `value(at: "Configuration", "CodeSha256")`
    /// or `value(at: "Functions", 0, "FunctionName")`.
    public func value(at path: any Sendable...) -> Any? {
        var current: Any? = json
        for step in path {
            switch (current, step) {
            case (let object as [String: Any], let key as String): current = object[key]
            case (let array as [Any], let index as Int): current = array.indices.contains(index) ? array[index] : nil
            default: return nil
            }
        }
        return current
    }

    /// The bytes of a `{"$base64": ...}` value (a Payload, an S3 object's Body).
    public static func bytes(_ value: Any?) -> Data? {
        ((value as? [String: Any])?["$base64"] as? String).flatMap { Data(base64Encoded: $0) }
    }

    public var text: String { String(decoding: data, as: UTF8.self) }
}

public enum Boto3 {
    /// Calls `operation` (the boto3 client's snake_case method: `get_function`,
    /// `list_layer_versions`, `get_function_url_config`, `list_aliases`, `list_tags`, `get_role`,
    /// `head_object`) of `service` at `endpoint`, with credentials `testing`/`testing` and no
    /// retries. `parameters` must be JSON-serialisable; `Data` values are sent as bytes (a
    /// ZipFile). A service error is a response with `errorCode`, not a throw; what throws is a
    /// call boto3 itself rejects (unknown operation, bad parameters) or an endpoint that does not
    /// answer, with Python's traceback.
    ///
    /// Async because each call is a Python process (about half a second, boto3's import): the
    /// test's thread is free meanwhile.
    public static func call(
        _ service: String, _ operation: String, _ parameters: [String: Any] = [:],
        endpoint: String, region: String = "us-east-1"
    ) async throws -> Boto3Response {
        let encoded = try JSONSerialization.data(withJSONObject: wrapBytes(parameters), options: [.sortedKeys])
        return try await call(service, operation, json: encoded, endpoint: endpoint, region: region)
    }

    /// The same with the parameters already as JSON text (bytes as `{"$base64": "..."}`).
    public static func call(
        _ service: String, _ operation: String, json parameters: Data,
        endpoint: String, region: String = "us-east-1"
    ) async throws -> Boto3Response {
        let output = try await TestPython.withInputFile(parameters) { path in
            try await TestPython.run(script: "boto3_call.py", [service, operation, path, endpoint, region])
        }
        return try Boto3Response(data: Data(output))
    }

    /// Several calls in one Python process, in order, each answered as `call` answers it: boto3's
    /// import is most of a call's time, so a test reading back many things asks once.
    public static func calls(
        _ calls: [(service: String, operation: String, parameters: [String: Any])], endpoint: String, region: String = "us-east-1"
    ) async throws -> [Boto3Response] {
        let list: [Any] = calls.map { [$0.service, $0.operation, wrapBytes($0.parameters)] }
        let encoded = try JSONSerialization.data(withJSONObject: list, options: [.sortedKeys])
        let output = try await TestPython.withInputFile(encoded) { path in
            try await TestPython.run(script: "boto3_call.py", ["--batch", path, endpoint, region])
        }
        let responses = try output.split(separator: UInt8(ascii: "\n")).map { try Boto3Response(data: Data($0)) }
        guard responses.count == calls.count else {
            throw TestToolError(description: "boto3_call.py --batch answered \(responses.count) of \(calls.count) calls")
        }
        return responses
    }

    private static func wrapBytes(_ value: Any) -> Any {
        switch value {
        case let data as Data: return ["$base64": data.base64EncodedString()]
        case let object as [String: Any]: return object.mapValues(wrapBytes)
        case let array as [Any]: return array.map(wrapBytes)
        default: return value
        }
    }
}
