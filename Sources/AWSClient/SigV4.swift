public import Foundation
import LambdaSupport

/// AWS Signature Version 4 (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html),
/// as botocore computes it: the canonical request, the string to sign, the derived key, the
/// `Authorization` header. Pure: the date and the credentials are inputs.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// Headers never signed: proxies and clients change them (botocore's list).
    static let unsignedHeaders: Set<String> = ["expect", "transfer-encoding", "user-agent", "x-amzn-trace-id", "authorization"]

    public struct Signature: Sendable, Equatable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signedHeaders: String
        public var signature: String
        public var authorization: String
    }

    /// `request` with `X-Amz-Date`, `X-Amz-Security-Token` (for temporary credentials),
    /// `X-Amz-Content-SHA256` (S3) and `Authorization` added. `payloadHash` is the body's
    /// hex SHA-256, computed when not given.
    public static func sign(
        _ request: HTTPRequest, credentials: AWSCredentials, region: String, service: String, date: Date,
        payloadHash: String? = nil
    ) -> HTTPRequest {
        var signed = request
        signed.headers.removeAll { ["authorization", "x-amz-date", "x-amz-security-token"].contains($0.name.lowercased()) }
        signed.setHeader("X-Amz-Date", amzDate(date))
        if let token = credentials.sessionToken { signed.setHeader("X-Amz-Security-Token", token) }
        let hash = payloadHash ?? hexSHA256(request.body)
        if service == "s3" { signed.setHeader("X-Amz-Content-SHA256", hash) }
        if signed.header("host") == nil { signed.headers.insert(HTTPHeader("Host", signed.hostHeader), at: 0) }
        let signature = signature(for: signed, credentials: credentials, region: region, service: service, date: date, payloadHash: hash)
        signed.setHeader("Authorization", signature.authorization)
        // The transport sets Host from the URL; it was only added to be signed.
        signed.headers.removeAll { $0.name.lowercased() == "host" && request.header("host") == nil }
        return signed
    }

    /// The signature of `request` as it stands (its headers, `Host` included, are what is signed).
    public static func signature(
        for request: HTTPRequest, credentials: AWSCredentials, region: String, service: String, date: Date,
        payloadHash: String? = nil
    ) -> Signature {
        let hash = payloadHash ?? hexSHA256(request.body)
        let (headerBlock, signedHeaders) = canonicalHeaders(request.headers)
        let canonicalRequest = [
            request.method, canonicalURI(request.path, service: service), canonicalQuery(request.query),
            headerBlock, signedHeaders, hash,
        ].joined(separator: "\n")
        let day = String(amzDate(date).prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [algorithm, amzDate(date), scope, hexSHA256(Data(canonicalRequest.utf8))].joined(separator: "\n")
        var key = SHA256Hasher.hmac(key: Array("AWS4\(credentials.secretAccessKey)".utf8), message: Array(day.utf8))
        for part in [region, service, "aws4_request"] { key = SHA256Hasher.hmac(key: key, message: Array(part.utf8)) }
        let signature = hex(SHA256Hasher.hmac(key: key, message: Array(stringToSign.utf8)))
        let authorization = "\(algorithm) Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signedHeaders: signedHeaders, signature: signature,
            authorization: authorization)
    }

    /// Lower-cased names, sorted; values trimmed with inner runs of spaces made one; a
    /// repeated name's values joined by commas in the order sent.
    static func canonicalHeaders(_ headers: [HTTPHeader]) -> (block: String, signed: String) {
        var values: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased()
            guard !unsignedHeaders.contains(name) else { continue }
            let value = header.value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
            values[name, default: []].append(value)
        }
        let names = values.keys.sorted()
        let block = names.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    /// Every service but S3 normalises the path (dot segments, repeated slashes) and encodes it
    /// once more; S3 signs the path as sent.
    static func canonicalURI(_ path: String, service: String) -> String {
        guard !path.isEmpty else { return "/" }
        if service == "s3" { return path }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        var normalised = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/") && normalised != "/" { normalised += "/" }
        return encode(normalised, keepSlash: true)
    }

    /// Pairs encoded, sorted by name then value.
    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        let pairs: [(name: String, value: String)] = query.map { (encode($0.name), encode($0.value)) }
        let sorted = pairs.sorted { (lhs, rhs) -> Bool in lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters (and `/` when asked).
    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded
            }
        }
        return out
    }

    static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8))

    /// `20150830T123600Z`, in UTC.
    public static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    public static func hexSHA256(_ data: Data) -> String {
        hex(SHA256Hasher.hash(Array(data)))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).leftPadded }.joined()
    }
}

extension String {
    /// A one- or two-digit hex byte as two digits.
    fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
}
