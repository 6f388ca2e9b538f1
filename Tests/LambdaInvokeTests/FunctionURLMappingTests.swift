import Foundation
import Testing

@testable import LambdaInvoke

@Suite struct FunctionURLMappingTests {
    static func request(
        method: String = "POST", query: String = "a=1&b=x%20y&a=2", headers: [(name: String, value: String)], body: [UInt8]
    ) -> FunctionURLMapping.Request {
        FunctionURLMapping.Request(
            method: method, path: "/orders/42", query: query, headers: headers, body: body, sourceIP: "127.0.0.1",
            requestID: "req-1", time: Date(timeIntervalSince1970: 1_710_072_000.5), domainName: "127.0.0.1:9000")
    }

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func theEventHasEveryFieldOfPayloadFormatTwo() throws {
        let event = try Self.object(FunctionURLMapping.event(Self.request(
            headers: [("Content-Type", "application/json"), ("User-Agent", "curl/8"), ("Cookie", "a=1; b=2"), ("X-Multi", "1"), ("x-multi", "2")],
            body: Array(#"{"item":"book"}"#.utf8))))
        #expect(event["version"] as? String == "2.0")
        #expect(event["routeKey"] as? String == "$default")
        #expect(event["rawPath"] as? String == "/orders/42")
        #expect(event["rawQueryString"] as? String == "a=1&b=x%20y&a=2")
        #expect(event["cookies"] as? [String] == ["a=1", "b=2"])
        #expect(event["queryStringParameters"] as? [String: String] == ["a": "1,2", "b": "x y"])
        let headers = try #require(event["headers"] as? [String: String])
        #expect(headers == ["content-type": "application/json", "user-agent": "curl/8", "x-multi": "1,2"])
        #expect(event["body"] as? String == #"{"item":"book"}"#)
        #expect(event["isBase64Encoded"] as? Bool == false)
        let context = try #require(event["requestContext"] as? [String: Any])
        #expect(context["requestId"] as? String == "req-1")
        #expect(context["timeEpoch"] as? Int == 1_710_072_000_500)
        #expect(context["time"] as? String == "10/Mar/2024:12:00:00 +0000")
        #expect(context["domainName"] as? String == "127.0.0.1:9000")
        let http = try #require(context["http"] as? [String: Any])
        #expect(http["method"] as? String == "POST")
        #expect(http["path"] as? String == "/orders/42")
        #expect(http["sourceIp"] as? String == "127.0.0.1")
        #expect(http["userAgent"] as? String == "curl/8")
    }

    @Test func binaryBodiesAreBase64AndEmptyOnesAbsent() throws {
        let binary: [UInt8] = [0xFF, 0x00, 0x10]
        let event = try Self.object(FunctionURLMapping.event(Self.request(headers: [("Content-Type", "image/png")], body: binary)))
        #expect(event["isBase64Encoded"] as? Bool == true)
        #expect(event["body"] as? String == Data(binary).base64EncodedString())
        let empty = try Self.object(FunctionURLMapping.event(Self.request(method: "get", query: "", headers: [], body: [])))
        #expect(empty["body"] == nil && empty["queryStringParameters"] == nil && empty["cookies"] == nil)
        #expect((empty["requestContext"] as? [String: Any]).flatMap { $0["http"] as? [String: Any] }?["method"] as? String == "GET")
    }

    @Test func anObjectWithStatusCodeIsAnHTTPResponse() {
        let answer = #"{"statusCode":201,"headers":{"X-A":"1","Content-Type":"text/plain"},"cookies":["s=1; Path=/","t=2"],"body":"aGk=","isBase64Encoded":true}"#
        let response = FunctionURLMapping.response(Array(answer.utf8))
        #expect(response.status == 201)
        #expect(response.body == Array("hi".utf8))
        #expect(response.headers.map { "\($0.name): \($0.value)" } == ["Content-Type: text/plain", "X-A: 1", "Set-Cookie: s=1; Path=/", "Set-Cookie: t=2"])
    }

    @Test func anyOtherJSONIsATwoHundredJSONBody() {
        for answer in [#"{"message":"hello"}"#, #""just a string""#, "[1,2]", "42"] {
            let response = FunctionURLMapping.response(Array(answer.utf8))
            #expect(response.status == 200)
            #expect(response.body == Array(answer.utf8))
            #expect(response.headers.map(\.name) == ["Content-Type"])
        }
    }
}
