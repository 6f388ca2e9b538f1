public import Foundation

/// A function URL request as Lambda hands it to the function (payload format 2.0, the shape of
/// an API Gateway HTTP API event), and the function's answer as Lambda turns it back into an
/// HTTP response (docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html). Pure, so `watch`
/// and `serve` map requests exactly as the tests check them.
public enum FunctionURLMapping {
    public struct Request: Sendable, Equatable {
        public var method: String
        /// The path after the function's prefix, starting with `/`, percent-encoded as received.
        public var path: String
        /// The query string as received, without `?`.
        public var query: String
        /// In order, names as sent.
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        public var sourceIP: String
        public var requestID: String
        public var time: Date
        /// The host the request was sent to (`127.0.0.1:9000`).
        public var domainName: String

        public init(
            method: String, path: String, query: String, headers: [(name: String, value: String)], body: [UInt8], sourceIP: String,
            requestID: String, time: Date, domainName: String
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
            self.sourceIP = sourceIP
            self.requestID = requestID
            self.time = time
            self.domainName = domainName
        }

        public static func == (lhs: Request, rhs: Request) -> Bool {
            lhs.method == rhs.method && lhs.path == rhs.path && lhs.query == rhs.query && lhs.body == rhs.body
                && lhs.headers.map { "\($0.name):\($0.value)" } == rhs.headers.map { "\($0.name):\($0.value)" }
        }
    }

    public struct Response: Sendable, Equatable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public static func == (lhs: Response, rhs: Response) -> Bool {
            lhs.status == rhs.status && lhs.body == rhs.body
                && lhs.headers.map { "\($0.name):\($0.value)" } == rhs.headers.map { "\($0.name):\($0.value)" }
        }
    }

    /// Content types whose bodies Lambda passes as text; any other body is base64.
    static func isText(contentType: String?, body: [UInt8]) -> Bool {
        guard let contentType = contentType?.lowercased() else { return String(validating: body, as: UTF8.self) != nil }
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return type.hasPrefix("text/") || type.hasSuffix("+json") || type.hasSuffix("+xml")
            || ["application/json", "application/xml", "application/javascript", "application/x-www-form-urlencoded",
                "application/graphql"].contains(type)
    }

    /// The event: lower-cased headers (repeats joined by commas), cookies split out of `Cookie`,
    /// query parameters decoded (repeats joined by commas), the body as text or base64.
    public static func event(_ request: Request) -> [UInt8] {
        var headers: [String: String] = [:]
        var cookies: [String] = []
        for header in request.headers {
            let name = header.name.lowercased()
            if name == "cookie" {
                cookies += header.value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                continue
            }
            headers[name] = headers[name].map { "\($0),\(header.value)" } ?? header.value
        }
        var parameters: [String: String] = [:]
        for pair in request.query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            parameters[name] = parameters[name].map { "\($0),\(value)" } ?? value
        }
        let text = isText(contentType: headers["content-type"], body: request.body)
        let apiID = String(request.domainName.split(separator: ".").first ?? "local")
        var http: [String: Any] = [
            "method": request.method.uppercased(), "path": request.path, "protocol": "HTTP/1.1", "sourceIp": request.sourceIP,
        ]
        http["userAgent"] = headers["user-agent"] ?? ""
        var event: [String: Any] = [
            "version": "2.0", "routeKey": "$default", "rawPath": request.path, "rawQueryString": request.query,
            "headers": headers, "isBase64Encoded": !text && !request.body.isEmpty,
            "requestContext": [
                "accountId": "anonymous", "apiId": apiID, "domainName": request.domainName, "domainPrefix": apiID,
                "http": http, "requestId": request.requestID, "routeKey": "$default", "stage": "$default",
                "time": clfTime(request.time), "timeEpoch": Int64((request.time.timeIntervalSince1970 * 1000).rounded()),
            ] as [String: Any],
        ]
        if !cookies.isEmpty { event["cookies"] = cookies }
        if !parameters.isEmpty { event["queryStringParameters"] = parameters }
        if !request.body.isEmpty {
            event["body"] = text ? String(decoding: request.body, as: UTF8.self) : Data(request.body).base64EncodedString()
        }
        let data = (try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Array(data)
    }

    /// The function's answer as Lambda maps it: an object with `statusCode` gives that status,
    /// `headers`, `cookies` (one `Set-Cookie` each) and `body` (decoded when `isBase64Encoded`);
    /// any other JSON is a 200 `application/json` response with the answer as its body.
    public static func response(_ payload: [UInt8]) -> Response {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(payload), options: [.fragmentsAllowed])) as? [String: Any],
            let status = (object["statusCode"] as? NSNumber)?.intValue ?? (object["statusCode"] as? String).flatMap({ Int($0) })
        else {
            return Response(status: 200, headers: [("Content-Type", "application/json")], body: payload)
        }
        var headers: [(name: String, value: String)] = []
        for (name, value) in ((object["headers"] as? [String: Any]) ?? [:]).sorted(by: { $0.key < $1.key }) {
            headers.append((name, (value as? String) ?? "\(value)"))
        }
        for cookie in (object["cookies"] as? [String]) ?? [] { headers.append(("Set-Cookie", cookie)) }
        var body: [UInt8] = []
        if let text = object["body"] as? String {
            if (object["isBase64Encoded"] as? Bool) == true, let decoded = Data(base64Encoded: text) {
                body = Array(decoded)
            } else {
                body = Array(text.utf8)
            }
        }
        if !headers.contains(where: { $0.name.lowercased() == "content-type" }), !body.isEmpty {
            headers.append(("Content-Type", "application/json"))
        }
        return Response(status: status, headers: headers, body: body)
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// `10/Mar/2024:12:00:00 +0000`, as `requestContext.time` is written.
    static func clfTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd/MMM/yyyy:HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
