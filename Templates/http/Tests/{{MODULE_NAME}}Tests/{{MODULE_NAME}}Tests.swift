import AWSLambdaEvents
import Foundation
import Testing

@testable import {{MODULE_NAME}}

/// The sample event in events/{{PRODUCT_NAME}}.json, the one the README invokes the function with.
func sampleRequest() throws -> APIGatewayV2Request {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let data = try Data(contentsOf: root.appendingPathComponent("events/{{PRODUCT_NAME}}.json"))
    return try JSONDecoder().decode(APIGatewayV2Request.self, from: data)
}

@Test func greetsTheNameInTheQuery() throws {
    let response = respond(to: try sampleRequest())
    #expect(response.statusCode.code == 200)
    #expect(response.body == "Hello, Ada!")
    #expect(response.headers?["content-type"] == "text/plain; charset=utf-8")
}
