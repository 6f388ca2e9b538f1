public import Foundation

/// The Lambda API calls deploy makes (REST-JSON, version 2015-03-31), with the fields it reads.
public struct LambdaAPI: Sendable {
    public var client: AWSClient

    public init(client: AWSClient) { self.client = client }

    public struct FunctionConfiguration: Codable, Sendable, Equatable {
        public var FunctionName: String?
        public var FunctionArn: String?
        public var Runtime: String?
        public var Role: String?
        public var Handler: String?
        public var CodeSha256: String?
        public var CodeSize: Int?
        public var Description: String?
        public var Timeout: Int?
        public var MemorySize: Int?
        public var Version: String?
        public var Environment: EnvironmentResponse?
        public var Architectures: [String]?
        public var Layers: [LayerReference]?
        public var State: String?
        public var StateReason: String?
        public var LastUpdateStatus: String?
        public var LastUpdateStatusReason: String?
        public var PackageType: String?

        public init() {}
    }

    public struct EnvironmentResponse: Codable, Sendable, Equatable {
        public var Variables: [String: String]?
        public init(Variables: [String: String]?) { self.Variables = Variables }
    }

    public struct LayerReference: Codable, Sendable, Equatable {
        public var Arn: String?
        public var CodeSize: Int?
        public init(Arn: String?, CodeSize: Int? = nil) {
            self.Arn = Arn
            self.CodeSize = CodeSize
        }
    }

    public struct GetFunctionResponse: Decodable, Sendable {
        public var Configuration: FunctionConfiguration
        public var Code: CodeLocation?
        public var Tags: [String: String]?
    }

    /// GetFunction's `Code`: for an image function, the URI it was given and the one Lambda resolved.
    public struct CodeLocation: Codable, Sendable, Equatable {
        public var RepositoryType: String?
        public var ImageUri: String?
        public var ResolvedImageUri: String?

        public init(RepositoryType: String? = nil, ImageUri: String? = nil, ResolvedImageUri: String? = nil) {
            self.RepositoryType = RepositoryType
            self.ImageUri = ImageUri
            self.ResolvedImageUri = ResolvedImageUri
        }
    }

    /// Where new code comes from: the zip's bytes, an object uploaded to S3, or a container
    /// image in a registry (`PackageType: Image`).
    public enum Code: Sendable, Equatable {
        case zip(Data)
        case s3(bucket: String, key: String)
        case image(uri: String)

        /// Lambda's `PackageType` for this code.
        public var packageType: String {
            if case .image = self { "Image" } else { "Zip" }
        }
    }

    /// What CreateFunction and UpdateFunctionConfiguration set; nil fields are left alone.
    public struct Settings: Sendable, Equatable {
        public var role: String?
        public var runtime: String?
        public var handler: String?
        public var description: String?
        public var timeout: Int?
        public var memorySize: Int?
        public var environment: [String: String]?
        public var layers: [String]?

        public init(
            role: String? = nil, runtime: String? = nil, handler: String? = nil, description: String? = nil, timeout: Int? = nil,
            memorySize: Int? = nil, environment: [String: String]? = nil, layers: [String]? = nil
        ) {
            self.role = role
            self.runtime = runtime
            self.handler = handler
            self.description = description
            self.timeout = timeout
            self.memorySize = memorySize
            self.environment = environment
            self.layers = layers
        }

        public var isEmpty: Bool { self == Settings() }

        var body: [String: JSONValue] {
            var body: [String: JSONValue] = [:]
            if let role { body["Role"] = .string(role) }
            if let runtime { body["Runtime"] = .string(runtime) }
            if let handler { body["Handler"] = .string(handler) }
            if let description { body["Description"] = .string(description) }
            if let timeout { body["Timeout"] = .number(Double(timeout)) }
            if let memorySize { body["MemorySize"] = .number(Double(memorySize)) }
            if let environment { body["Environment"] = .object(["Variables": .object(environment.mapValues(JSONValue.string))]) }
            if let layers { body["Layers"] = .array(layers.map(JSONValue.string)) }
            return body
        }
    }

    static func codeBody(_ code: Code) -> [String: JSONValue] {
        switch code {
        case .zip(let data): ["ZipFile": .string(data.base64EncodedString())]
        case .s3(let bucket, let key): ["S3Bucket": .string(bucket), "S3Key": .string(key)]
        case .image(let uri): ["ImageUri": .string(uri)]
        }
    }

    static func functionPath(_ name: String, _ rest: String = "") -> String {
        "/2015-03-31/functions/\(SigV4.encode(name))\(rest)"
    }

    /// nil when there is no such function.
    public func getFunction(_ name: String, qualifier: String? = nil) async throws -> GetFunctionResponse? {
        do {
            return try await client.json(
                .lambda, operation: "GetFunction", method: "GET", path: Self.functionPath(name),
                query: qualifier.map { [("Qualifier", $0)] } ?? [], as: GetFunctionResponse.self)
        } catch let error as AWSError where error.isNotFound {
            return nil
        }
    }

    public func createFunction(
        name: String, code: Code, settings: Settings, architecture: String, tags: [String: String], publish: Bool
    ) async throws -> FunctionConfiguration {
        var body = settings.body
        body["FunctionName"] = .string(name)
        body["Code"] = .object(Self.codeBody(code))
        body["Architectures"] = .array([.string(architecture)])
        body["PackageType"] = .string(code.packageType)
        body["Publish"] = .bool(publish)
        if !tags.isEmpty { body["Tags"] = .object(tags.mapValues(JSONValue.string)) }
        return try await client.json(
            .lambda, operation: "CreateFunction", method: "POST", path: "/2015-03-31/functions", body: JSONValue.object(body),
            as: FunctionConfiguration.self)
    }

    public func updateFunctionConfiguration(name: String, settings: Settings) async throws -> FunctionConfiguration {
        try await client.json(
            .lambda, operation: "UpdateFunctionConfiguration", method: "PUT", path: Self.functionPath(name, "/configuration"),
            body: JSONValue.object(settings.body), as: FunctionConfiguration.self)
    }

    public func updateFunctionCode(name: String, code: Code, architecture: String) async throws -> FunctionConfiguration {
        var body = Self.codeBody(code)
        body["Architectures"] = .array([.string(architecture)])
        return try await client.json(
            .lambda, operation: "UpdateFunctionCode", method: "PUT", path: Self.functionPath(name, "/code"),
            body: JSONValue.object(body), as: FunctionConfiguration.self)
    }

    public func publishVersion(name: String, codeSha256: String?, description: String? = nil) async throws -> FunctionConfiguration {
        var body: [String: JSONValue] = [:]
        if let codeSha256 { body["CodeSha256"] = .string(codeSha256) }
        if let description { body["Description"] = .string(description) }
        return try await client.json(
            .lambda, operation: "PublishVersion", method: "POST", path: Self.functionPath(name, "/versions"),
            body: JSONValue.object(body), as: FunctionConfiguration.self)
    }

    public struct Alias: Codable, Sendable, Equatable {
        public var AliasArn: String?
        public var Name: String?
        public var FunctionVersion: String?
    }

    public func getAlias(function: String, name: String) async throws -> Alias? {
        do {
            return try await client.json(
                .lambda, operation: "GetAlias", method: "GET", path: Self.functionPath(function, "/aliases/\(SigV4.encode(name))"),
                as: Alias.self)
        } catch let error as AWSError where error.isNotFound {
            return nil
        }
    }

    public func createAlias(function: String, name: String, version: String) async throws -> Alias {
        try await client.json(
            .lambda, operation: "CreateAlias", method: "POST", path: Self.functionPath(function, "/aliases"),
            body: JSONValue.object(["Name": .string(name), "FunctionVersion": .string(version)]), as: Alias.self)
    }

    public func updateAlias(function: String, name: String, version: String) async throws -> Alias {
        try await client.json(
            .lambda, operation: "UpdateAlias", method: "PUT", path: Self.functionPath(function, "/aliases/\(SigV4.encode(name))"),
            body: JSONValue.object(["FunctionVersion": .string(version)]), as: Alias.self)
    }

    public struct AliasList: Decodable, Sendable {
        public var Aliases: [Alias]?
    }

    public func listAliases(function: String) async throws -> [Alias] {
        try await client.json(
            .lambda, operation: "ListAliases", method: "GET", path: Self.functionPath(function, "/aliases"), as: AliasList.self
        ).Aliases ?? []
    }

    public func deleteAlias(function: String, name: String) async throws {
        try await client.jsonCall(
            .lambda, operation: "DeleteAlias", method: "DELETE", path: Self.functionPath(function, "/aliases/\(SigV4.encode(name))"))
    }

    public struct FunctionURLConfig: Codable, Sendable, Equatable {
        public var FunctionUrl: String?
        public var AuthType: String?
    }

    static func urlQuery(_ qualifier: String?) -> [(name: String, value: String)] { qualifier.map { [("Qualifier", $0)] } ?? [] }

    public func getFunctionURLConfig(function: String, qualifier: String?) async throws -> FunctionURLConfig? {
        do {
            return try await client.json(
                .lambda, operation: "GetFunctionUrlConfig", method: "GET", path: "/2021-10-31/functions/\(SigV4.encode(function))/url",
                query: Self.urlQuery(qualifier), as: FunctionURLConfig.self)
        } catch let error as AWSError where error.isNotFound {
            return nil
        }
    }

    public func createFunctionURLConfig(function: String, qualifier: String?, authType: String) async throws -> FunctionURLConfig {
        try await client.json(
            .lambda, operation: "CreateFunctionUrlConfig", method: "POST", path: "/2021-10-31/functions/\(SigV4.encode(function))/url",
            query: Self.urlQuery(qualifier), body: JSONValue.object(["AuthType": .string(authType)]), as: FunctionURLConfig.self)
    }

    public func updateFunctionURLConfig(function: String, qualifier: String?, authType: String) async throws -> FunctionURLConfig {
        try await client.json(
            .lambda, operation: "UpdateFunctionUrlConfig", method: "PUT", path: "/2021-10-31/functions/\(SigV4.encode(function))/url",
            query: Self.urlQuery(qualifier), body: JSONValue.object(["AuthType": .string(authType)]), as: FunctionURLConfig.self)
    }

    public func deleteFunctionURLConfig(function: String, qualifier: String?) async throws {
        try await client.jsonCall(
            .lambda, operation: "DeleteFunctionUrlConfig", method: "DELETE",
            path: "/2021-10-31/functions/\(SigV4.encode(function))/url", query: Self.urlQuery(qualifier))
    }

    /// Lets anyone call the function URL (AuthType NONE needs this resource policy statement).
    public func addPublicURLPermission(function: String, qualifier: String?) async throws {
        let body: [String: JSONValue] = [
            "StatementId": .string("swift-lambda-function-url"), "Action": .string("lambda:InvokeFunctionUrl"),
            "Principal": .string("*"), "FunctionUrlAuthType": .string("NONE"),
        ]
        do {
            try await client.jsonCall(
                .lambda, operation: "AddPermission", method: "POST", path: Self.functionPath(function, "/policy"),
                query: Self.urlQuery(qualifier), body: JSONValue.object(body))
        } catch let error as AWSError where error.code == "ResourceConflictException" {
            // The statement is there from an earlier deploy.
        }
    }

    public func tagResource(arn: String, tags: [String: String]) async throws {
        try await client.jsonCall(
            .lambda, operation: "TagResource", method: "POST", path: "/2017-03-31/tags/\(SigV4.encode(arn))",
            body: JSONValue.object(["Tags": .object(tags.mapValues(JSONValue.string))]))
    }

    public func deleteFunction(_ name: String) async throws {
        try await client.jsonCall(.lambda, operation: "DeleteFunction", method: "DELETE", path: Self.functionPath(name))
    }

    public struct FunctionList: Decodable, Sendable {
        public var Functions: [FunctionConfiguration]?
        public var NextMarker: String?
    }

    /// Every function of the account in the region, page by page.
    public func listFunctions() async throws -> [FunctionConfiguration] {
        var all: [FunctionConfiguration] = []
        var marker: String?
        repeat {
            let page = try await client.json(
                .lambda, operation: "ListFunctions", method: "GET", path: "/2015-03-31/functions",
                query: marker.map { [("Marker", $0)] } ?? [], as: FunctionList.self)
            all += page.Functions ?? []
            marker = page.NextMarker.flatMap { $0.isEmpty ? nil : $0 }
        } while marker != nil
        return all
    }

    public struct LayerVersion: Codable, Sendable, Equatable {
        public var LayerArn: String?
        public var LayerVersionArn: String?
        public var Version: Int?
        public var Content: LayerContent?
        public var CompatibleRuntimes: [String]?
        public var CompatibleArchitectures: [String]?
    }

    public struct LayerContent: Codable, Sendable, Equatable {
        public var CodeSha256: String?
        public var CodeSize: Int?
    }

    public struct LayerVersionList: Decodable, Sendable {
        public var LayerVersions: [LayerVersion]?
    }

    /// The newest version of a layer, nil when it has none.
    public func latestLayerVersion(_ name: String) async throws -> LayerVersion? {
        let versions: [LayerVersion]
        do {
            versions = try await client.json(
                .lambda, operation: "ListLayerVersions", method: "GET", path: "/2018-10-31/layers/\(SigV4.encode(name))/versions",
                as: LayerVersionList.self
            ).LayerVersions ?? []
        } catch let error as AWSError where error.isNotFound {
            return nil
        }
        guard let newest = versions.max(by: { ($0.Version ?? 0) < ($1.Version ?? 0) }), let number = newest.Version else { return nil }
        // The list leaves out the content's hash; the version itself has it.
        return try await client.json(
            .lambda, operation: "GetLayerVersion", method: "GET", path: "/2018-10-31/layers/\(SigV4.encode(name))/versions/\(number)",
            as: LayerVersion.self)
    }

    public func publishLayerVersion(
        name: String, code: Code, description: String?, runtimes: [String], architectures: [String]
    ) async throws -> LayerVersion {
        var body: [String: JSONValue] = [
            "Content": .object(Self.codeBody(code)), "CompatibleRuntimes": .array(runtimes.map(JSONValue.string)),
            "CompatibleArchitectures": .array(architectures.map(JSONValue.string)),
        ]
        if let description { body["Description"] = .string(description) }
        return try await client.json(
            .lambda, operation: "PublishLayerVersion", method: "POST", path: "/2018-10-31/layers/\(SigV4.encode(name))/versions",
            body: JSONValue.object(body), as: LayerVersion.self)
    }

    public struct InvokeResult: Sendable, Equatable {
        public var status: Int
        public var payload: Data
        /// `Handled` or `Unhandled` when the function failed.
        public var functionError: String?
        public var executedVersion: String?
        public var logTail: String?
    }

    public func invoke(function: String, qualifier: String?, payload: Data, logTail: Bool) async throws -> InvokeResult {
        let body = payload
        var headers = [HTTPHeader("Content-Type", "application/json")]
        if logTail { headers.append(HTTPHeader("X-Amz-Log-Type", "Tail")) }
        let response = try await client.send(
            .lambda, operation: "Invoke", method: "POST", path: Self.functionPath(function, "/invocations"),
            query: Self.urlQuery(qualifier), headers: headers, body: body)
        return InvokeResult(
            status: response.status, payload: response.body, functionError: response.headers["x-amz-function-error"],
            executedVersion: response.headers["x-amz-executed-version"],
            logTail: response.headers["x-amz-log-result"].flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) })
    }
}

extension LambdaAPI {
    public struct VersionList: Decodable, Sendable {
        public var Versions: [FunctionConfiguration]?
        public var NextMarker: String?
    }

    /// The newest published version (not `$LATEST`) whose code is `codeSha256`, nil when none is.
    public func latestPublishedVersion(_ function: String, codeSha256: String) async throws -> String? {
        var versions: [FunctionConfiguration] = []
        var marker: String?
        repeat {
            let page = try await client.json(
                .lambda, operation: "ListVersionsByFunction", method: "GET", path: Self.functionPath(function, "/versions"),
                query: marker.map { [("Marker", $0)] } ?? [], as: VersionList.self)
            versions += page.Versions ?? []
            marker = page.NextMarker.flatMap { $0.isEmpty ? nil : $0 }
        } while marker != nil
        return versions.filter { $0.CodeSha256 == codeSha256 }.compactMap { $0.Version.flatMap(Int.init) }.max().map(String.init)
    }
}
