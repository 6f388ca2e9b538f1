import Testing

@testable import LambdaEmulator

/// Routing is a pure function of method and path: every endpoint, and how the rest is refused.
@Suite struct RouteTests {
    @Test func everyEndpointResolves() {
        let cases: [(String, String, Route)] = [
            ("GET", "/2018-06-01/runtime/invocation/next", .runtimeNext),
            ("POST", "/2018-06-01/runtime/invocation/abc-1/response", .runtimeResponse(requestID: "abc-1")),
            ("POST", "/2018-06-01/runtime/invocation/abc-1/error", .runtimeError(requestID: "abc-1")),
            ("POST", "/2018-06-01/runtime/init/error", .runtimeInitError),
            ("POST", "/2020-01-01/extension/register", .extensionRegister),
            ("GET", "/2020-01-01/extension/event/next", .extensionNext),
            ("POST", "/2020-01-01/extension/init/error", .extensionInitError),
            ("POST", "/2020-01-01/extension/exit/error", .extensionExitError),
            ("POST", "/2015-03-31/functions/echo/invocations", .invoke(functionName: "echo")),
            ("POST", "/2015-03-31/functions/echo/invocations?Qualifier=1", .invoke(functionName: "echo")),
        ]
        for (method, path, route) in cases {
            #expect(Route.resolve(method: method, path: path) == .success(route), "\(method) \(path)")
        }
    }

    @Test func requestIDsArePercentDecoded() {
        #expect(Route.resolve(method: "POST", path: "/2018-06-01/runtime/invocation/a%2Fb%20c/response")
            == .success(.runtimeResponse(requestID: "a/b c")))
        // A malformed escape matches nothing rather than failing.
        #expect(Route.percentDecoded("a%zzb%4") == "a%zzb%4")
    }

    @Test func unknownPathsAre404AndWrongMethods405WithAllow() {
        for path in ["/", "/2018-06-01/runtime", "/2018-06-01/runtime/invocation//response",
                     "/2018-06-01/runtime/invocation/x/answer", "/2020-01-01/extension/register/x", "/2015-03-31/functions//invocations",
                     "2018-06-01/runtime/invocation/next"] {
            guard case .failure(let mismatch) = Route.resolve(method: "GET", path: path) else {
                Issue.record("\(path) resolved")
                continue
            }
            #expect(mismatch.status == 404, "\(path)")
            #expect(mismatch.allow == nil)
        }
        #expect(Route.resolve(method: "POST", path: "/2018-06-01/runtime/invocation/next")
            == .failure(.init(status: 405, message: "/2018-06-01/runtime/invocation/next takes GET, not POST", allow: "GET")))
        #expect(Route.resolve(method: "GET", path: "/2015-03-31/functions/f/invocations")
            == .failure(.init(status: 405, message: "/2015-03-31/functions/f/invocations takes POST, not GET", allow: "POST")))
    }
}
