import Testing

@testable import HelloWorld

@Test func readsInvokeAndShutdownEvents() throws {
    let invoke = """
        {"eventType":"INVOKE","deadlineMs":1700000000000,"requestId":"3da1f2dc",\
        "invokedFunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:f",\
        "tracing":{"type":"X-Amzn-Trace-Id","value":"Root=1-5f35ae12"}}
        """
    let expectedInvoke = ExtensionEvent(type: "INVOKE", requestID: "3da1f2dc")
    #expect(try ExtensionEvent(json: Array(invoke.utf8)) == expectedInvoke)
    let shutdown = #"{ "eventType" : "SHUTDOWN", "shutdownReason" : "spindown", "deadlineMs" : 1700000000000 }"#
    let expectedShutdown = ExtensionEvent(type: "SHUTDOWN", shutdownReason: "spindown")
    #expect(try ExtensionEvent(json: Array(shutdown.utf8)) == expectedShutdown)
}

@Test func readsOnlyTopLevelMembersAndDecodesEscapes() throws {
    let json = #"""
        {"nested":{"eventType":"SHUTDOWN"},"list":[1,"]",{"a":null}],\#
        "requestId":"a\"b\\c\u00e9\ud83d\ude00","eventType":"INVOKE"}
        """#
    let event = try ExtensionEvent(json: Array(json.utf8))
    #expect(event.type == "INVOKE")
    #expect(event.requestID == "a\"b\\c\u{e9}\u{1F600}")
}

@Test func rejectsEventsWithoutAType() {
    #expect(throws: HTTPError.self) { try ExtensionEvent(json: Array(#"{"requestId":"x"}"#.utf8)) }
    #expect(throws: HTTPError.self) { try ExtensionEvent(json: Array(#"{"eventType":"INVOKE""#.utf8)) }
}

@Test func parsesTheRuntimeAPIEndpoint() throws {
    #expect(try Endpoint("127.0.0.1:9001") == Endpoint("127.0.0.1:9001"))
    #expect(try Endpoint("127.0.0.1:9001").host == "127.0.0.1")
    #expect(try Endpoint("[::1]:9001").host == "::1")
    #expect(try Endpoint("[::1]:9001").authority == "[::1]:9001")
    #expect(throws: HTTPError.self) { try Endpoint("localhost") }
    #expect(throws: HTTPError.self) { try Endpoint("localhost:http") }
}

@Test func parsesResponsesFramedByLengthChunksOrTheEndOfTheConnection() throws {
    let sized = Array("HTTP/1.1 200 OK\r\nLambda-Extension-Identifier: id-1\r\nContent-Length: 2\r\n\r\n{}".utf8)
    let response = try #require(try HTTPResponse.parse(sized, atEnd: false))
    #expect(response.status == 200)
    #expect(response.headers["lambda-extension-identifier"] == "id-1")
    #expect(response.body == Array("{}".utf8))

    let chunked = Array(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n".utf8)
    #expect(try HTTPResponse.parse(chunked, atEnd: false)?.body == Array("abcde".utf8))

    let unframed = Array("HTTP/1.1 200 OK\r\n\r\nto the end".utf8)
    #expect(try HTTPResponse.parse(unframed, atEnd: false) == nil)
    #expect(try HTTPResponse.parse(unframed, atEnd: true)?.body == Array("to the end".utf8))
}

@Test func waitsForTheRestOfAResponseAndRejectsOneCutShort() throws {
    let partial = Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8)
    #expect(try HTTPResponse.parse(partial, atEnd: false) == nil)
    #expect(throws: HTTPError.self) { try HTTPResponse.parse(partial, atEnd: true) }
    #expect(try HTTPResponse.parse(Array("HTTP/1.1 200 OK\r\n".utf8), atEnd: false) == nil)
    #expect(throws: HTTPError.self) { try HTTPResponse.parse(Array("hello\r\n\r\n".utf8), atEnd: true) }
}
