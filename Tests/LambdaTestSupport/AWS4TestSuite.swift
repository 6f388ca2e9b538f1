// AWS's Signature Version 4 test suite, as botocore ships it in its source distribution on PyPI
// (tests/unit/auth/aws4_testsuite/), fetched on first use into the package's
// .build/swift-lambda-test-cache/ and read from there afterwards (Python/fetch_aws4_testsuite.py).
// Nothing of it is committed.
//
// What the files are (botocore 1.43.11, read here): 34 cases, one directory each, named after the
// case; 8 are under normalize-path/ and 2 under post-sts-token/, with readme files beside them.
// Every case has .req (the request), .creq (canonical request), .sts (string to sign), .authz
// (the Authorization header) and .sreq (the signed request). All use "\n" line endings, never the
// "\r\n" of HTTP and of the suite's published description, and no file ends with a newline.
// botocore's own test skips four: normalize-path/get-space (a space in the path: not a valid
// request line), get-vanilla-query-order-key-case, get-vanilla-query-order-key and
// get-vanilla-query-order-value (a repeated query key, which the SDKs do not send).

import Foundation

/// One case of the suite.
public struct AWS4TestCase: Sendable, Hashable {
    /// The path below aws4_testsuite/: `get-vanilla`, `normalize-path/get-slash`.
    public var name: String
    /// The raw request (.req), bytes as in the file: get-utf8's path is UTF-8.
    public var request: [UInt8]
    public var canonicalRequest: String
    public var stringToSign: String
    /// The expected Authorization header value.
    public var authorization: String
    /// The request as signed (.sreq).
    public var signedRequest: [UInt8]

    public var requestText: String { String(decoding: request, as: UTF8.self) }

    /// The session token to sign with: the one in the canonical request's
    /// `x-amz-security-token` line, as botocore's test reads it (the post-sts-token cases).
    public var sessionToken: String? {
        canonicalRequest.split(separator: "\n").first { $0.hasPrefix("x-amz-security-token:") }
            .map { String($0.dropFirst("x-amz-security-token:".count)) }
    }

    /// The request taken apart: the request line's method and target (a target can hold a space:
    /// normalize-path/get-space), the headers in order, a continuation line (get-header-value-
    /// multiline) joined to its header's value with "\n" and its indentation kept, and the body
    /// after the empty line.
    public var parsedRequest: ParsedRequest {
        let text = requestText
        let (head, body): (Substring, Substring) = {
            guard let blank = text.range(of: "\n\n") else { return (text[...], "") }
            return (text[..<blank.lowerBound], text[blank.upperBound...])
        }()
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false)[...]
        let requestLine = lines.popFirst().map(String.init) ?? ""
        var words = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        let method = words.isEmpty ? "" : String(words.removeFirst())
        if words.count > 1, words.last?.hasPrefix("HTTP/") == true { words.removeLast() }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        return ParsedRequest(method: method, target: words.joined(separator: " "), headers: headers, body: Array(body.utf8))
    }

    public static func == (left: AWS4TestCase, right: AWS4TestCase) -> Bool {
        left.name == right.name && left.request == right.request && left.authorization == right.authorization
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// A `.req` file's request, as written: nothing normalised.
public struct ParsedRequest: Sendable {
    public var method: String
    /// Path and query as in the request line, e.g. `/?Param2=value2&Param1=value1`.
    public var target: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    /// The Host header's value (`example.amazonaws.com` throughout the suite).
    public var host: String? { headers.first { $0.name.lowercased() == "host" }?.value }
}

public enum AWS4TestSuite {
    /// The inputs every case was signed with.
    public static let accessKey = "AKIDEXAMPLE"
    public static let secretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    public static let region = "us-east-1"
    public static let service = "service"
    public static let timestamp = "20150830T123600Z"

    /// The package's .build/swift-lambda-test-cache (ignored by git, kept between runs).
    public static var cacheDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/swift-lambda-test-cache").path
    }

    /// Every case, sorted by name; downloads the suite when it is not cached yet (pip download of
    /// the test python's botocore version, else the newest). Throws, saying how to fix it, when
    /// PyPI cannot be reached or a case lacks one of its five files: nothing is skipped.
    public static func cases() async throws -> [AWS4TestCase] {
        let output = try await TestPython.run(script: "fetch_aws4_testsuite.py", [cacheDirectory])
        guard let fetched = try JSONSerialization.jsonObject(with: Data(output)) as? [String: Any],
            let directory = fetched["directory"] as? String
        else {
            throw TestToolError(description: "fetch_aws4_testsuite.py printed \(String(decoding: output, as: UTF8.self))")
        }
        return try cases(in: directory)
    }

    /// The cases of a suite already on disk: every directory holding a `.req` file.
    public static func cases(in directory: String) throws -> [AWS4TestCase] {
        let files = FileManager.default
        guard let enumerator = files.enumerator(atPath: directory) else {
            throw TestToolError(description: "cannot read \(directory)")
        }
        var cases: [AWS4TestCase] = []
        for case let relative as String in enumerator where relative.hasSuffix(".req") {
            let base = String(relative.dropLast(".req".count))
            let name = (relative as NSString).deletingLastPathComponent
            func read(_ suffix: String) throws -> [UInt8] {
                guard let data = files.contents(atPath: "\(directory)/\(base)\(suffix)") else {
                    throw TestToolError(description: "the SigV4 suite's case \(name) has no \(suffix) file in \(directory); delete the directory to fetch it again")
                }
                return Array(data)
            }
            func text(_ suffix: String) throws -> String { String(decoding: try read(suffix), as: UTF8.self) }
            cases.append(
                AWS4TestCase(
                    name: name, request: try read(".req"), canonicalRequest: try text(".creq"),
                    stringToSign: try text(".sts"), authorization: try text(".authz"), signedRequest: try read(".sreq")))
        }
        return cases.sorted { $0.name < $1.name }
    }
}
