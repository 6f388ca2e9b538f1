import Foundation
import Testing

@testable import LambdaInvoke

/// The sample events are the shapes the triggers send: each parses, and holds the fields a
/// handler for that trigger reads first.
@Suite struct SampleEventsTests {
    static func object(_ name: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(SampleEvents.event(name))) as? [String: Any], "\(name)")
    }

    static func firstRecord(_ name: String) throws -> [String: Any] {
        try #require((try object(name)["Records"] as? [[String: Any]])?.first, "\(name) has Records")
    }

    @Test func everyExampleIsShippedAndListed() throws {
        let shipped = SampleEvents.shippedNames()
        #expect(shipped == SampleEvents.names)
        #expect(SampleEvents.listing().count == shipped.count)
        #expect(SampleEvents.listing().contains { $0.hasPrefix("sqs ") && $0.hasSuffix("SQS message") })
    }

    @Test func httpEventsCarryTheirPayloadFormat() throws {
        for name in ["apigateway-http", "function-url"] {
            let event = try Self.object(name)
            #expect(event["version"] as? String == "2.0")
            let http = try #require((event["requestContext"] as? [String: Any])?["http"] as? [String: Any])
            #expect(http["method"] is String && http["sourceIp"] is String && http["path"] is String)
            #expect(event["rawPath"] is String && event["rawQueryString"] is String && event["isBase64Encoded"] is Bool)
            let headers = try #require(event["headers"] as? [String: String])
            #expect(headers.keys.allSatisfy { $0 == $0.lowercased() }, "payload 2.0 headers are lower-cased")
        }
        #expect(try Self.object("apigateway-rest")["httpMethod"] as? String == "GET")
        #expect(try Self.object("alb")["requestContext"].flatMap { ($0 as? [String: Any])?["elb"] } != nil)
    }

    @Test func recordEventsNameTheirSource() throws {
        #expect(try Self.firstRecord("sqs")["eventSource"] as? String == "aws:sqs")
        #expect(try Self.firstRecord("sns")["EventSource"] as? String == "aws:sns")
        #expect(try Self.firstRecord("s3")["eventSource"] as? String == "aws:s3")
        #expect(try Self.firstRecord("dynamodb-stream")["eventSource"] as? String == "aws:dynamodb")
        #expect(try Self.firstRecord("ses")["eventSource"] as? String == "aws:ses")
        let kinesis = try #require(try Self.firstRecord("kinesis")["kinesis"] as? [String: Any])
        let data = try #require((kinesis["data"] as? String).flatMap { Data(base64Encoded: $0) })
        #expect((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["orderId"] as? String == "42")
        #expect(try Self.object("eventbridge")["detail-type"] as? String == "Order Placed")
        #expect(try Self.object("cloudwatch-scheduled")["detail-type"] as? String == "Scheduled Event")
    }

    @Test func anUnknownNameSuggestsTheNearest() {
        #expect(throws: InvokeError.self) { try SampleEvents.event("sqx") }
        do {
            _ = try SampleEvents.event("sqx")
        } catch {
            #expect("\(error)".contains("did you mean 'sqs'?"))
        }
    }
}
