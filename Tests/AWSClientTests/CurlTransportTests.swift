import Foundation
import Testing

@testable import AWSClient

/// What the libcurl transport puts on the wire, read by a fake server on 127.0.0.1.
@Suite struct CurlTransportTests {
    /// curl gives a POSTFIELDS request `application/x-www-form-urlencoded` unless told not to;
    /// moto 5.2.5 then reads a bodiless DELETE as a form and routes it to no service.
    @Test(arguments: ["DELETE", "POST", "PUT"])
    func aRequestWithoutABodyTypeCarriesNone(method: String) async throws {
        let server = try LoopbackServer { _ in .respond(status: 204, body: "") }
        defer { server.stop() }
        let request = HTTPRequest(method: method, endpoint: URL(string: server.endpoint)!, path: "/2015-03-31/functions/echo")
        let response = try await CurlTransport(defaultTimeout: 10).send(request)
        #expect(response.status == 204)
        let seen = try #require(server.requests.first)
        #expect(seen.method == method)
        #expect(seen.target == "/2015-03-31/functions/echo")
        #expect(seen.headers["content-type"] == nil)
        #expect(seen.headers["expect"] == nil)
    }

    @Test func aBodyTypeTheCallerGivesIsSentAsGiven() async throws {
        let server = try LoopbackServer { _ in .respond(status: 200, body: "{}") }
        defer { server.stop() }
        let request = HTTPRequest(
            method: "DELETE", endpoint: URL(string: server.endpoint)!, path: "/x",
            headers: [HTTPHeader("Content-Type", "application/json")])
        _ = try await CurlTransport(defaultTimeout: 10).send(request)
        #expect(server.requests.first?.headers["content-type"] == "application/json")
    }
}
