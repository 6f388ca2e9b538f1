// botocore's own SigV4 signer, for cross-checks: swift-lambda's signer and botocore's, given the
// same request, credentials and clock, must produce the same headers (Python/botocore_sign.py).

import Foundation

public enum BotocoreSigner {
    public struct Credentials: Sendable, Hashable {
        public var accessKey: String
        public var secretKey: String
        public var sessionToken: String?

        public init(accessKey: String, secretKey: String, sessionToken: String? = nil) {
            self.accessKey = accessKey
            self.secretKey = secretKey
            self.sessionToken = sessionToken
        }
    }

    /// What botocore added, and the steps it took to get there.
    public struct Signed: Sendable, Decodable {
        /// Every header of the signed request, in order: the input's, then what signing set.
        public var headers: [[String]]
        public var authorization: String
        public var amzDate: String
        public var securityToken: String?
        /// Set only by S3's signer (`S3SigV4Auth`).
        public var contentSHA256: String?
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
        public var botocoreVersion: String

        enum CodingKeys: String, CodingKey {
            case headers, authorization, signature
            case amzDate = "x_amz_date", securityToken = "x_amz_security_token", contentSHA256 = "x_amz_content_sha256"
            case canonicalRequest = "canonical_request", stringToSign = "string_to_sign", botocoreVersion = "botocore_version"
        }
    }

    /// Signs with `botocore.auth.SigV4Auth` (`S3SigV4Auth` when `service` is `s3`), botocore's
    /// clock fixed at `timestamp` (`20150830T123600Z`). `url` is the full URL with its query;
    /// `headers` are given in order and duplicates are kept. Like botocore, the signer sets
    /// X-Amz-Date (replacing one given) and X-Amz-Security-Token, and signs `host` from the URL
    /// when no Host header is given.
    public static func sign(
        method: String, url: String, headers: [(name: String, value: String)], body: [UInt8] = [],
        service: String, region: String, credentials: Credentials, timestamp: String
    ) async throws -> Signed {
        var request: [String: Any] = [
            "method": method, "url": url, "headers": headers.map { [$0.name, $0.value] },
            "body": Data(body).base64EncodedString(), "service": service, "region": region,
            "access_key": credentials.accessKey, "secret_key": credentials.secretKey, "timestamp": timestamp,
        ]
        request["session_token"] = credentials.sessionToken ?? NSNull()
        let input = try JSONSerialization.data(withJSONObject: request, options: [.sortedKeys])
        let output = try await TestPython.withInputFile(input) { path in
            try await TestPython.run(script: "botocore_sign.py", [path])
        }
        do {
            return try JSONDecoder().decode(Signed.self, from: Data(output))
        } catch {
            throw TestToolError(description: "botocore_sign.py printed \(String(decoding: output, as: UTF8.self)): \(error)")
        }
    }
}
