import LambdaInvoke
import Testing

/// The prelude a streamed HTTP response begins with (JSON, then eight NUL bytes), split off
/// from the body wherever the chunks fall, and a plain stream never held back.
@Suite struct StreamedBodyTests {
    let prelude = Array(#"{"statusCode":201,"headers":{"Content-Type":"text/plain"},"cookies":["a=1"]}"#.utf8)
        + [UInt8](repeating: 0, count: 8)

    func preludeLine(_ parts: [StreamedBody.Part]) -> String? {
        guard case .prelude(let prelude)? = parts.first else { return nil }
        return prelude.line
    }

    @Test func thePreludeIsSplitOffEvenWhenItArrivesInPieces() {
        var body = StreamedBody(contentType: StreamPrelude.contentType)
        #expect(body.take(Array(prelude[..<12])) == [])
        #expect(body.take(Array(prelude[12..<(prelude.count - 3)])) == [])
        let parts = body.take(Array(prelude[(prelude.count - 3)...]) + Array("hello".utf8))
        #expect(preludeLine(parts) == "HTTP 201; Content-Type: text/plain; Set-Cookie: a=1")
        #expect(parts.dropFirst() == [.body(Array("hello".utf8))])
        #expect(body.take(Array(" more".utf8)) == [.body(Array(" more".utf8))])
        #expect(body.finish() == [])
    }

    @Test func aPreludeIsRecognisedInTheFirstChunkWithoutItsContentType() {
        var body = StreamedBody(contentType: nil)
        let parts = body.take(prelude)
        #expect(preludeLine(parts) == "HTTP 201; Content-Type: text/plain; Set-Cookie: a=1")
        #expect(parts.count == 1)
    }

    @Test func aPlainStreamPassesAtOnceEvenWhenItIsJSON() {
        var body = StreamedBody(contentType: "application/json")
        #expect(body.take(Array(#"{"n":1}"#.utf8)) == [.body(Array(#"{"n":1}"#.utf8))])
        #expect(body.take(Array(#"{"n":2}"#.utf8) + [0, 0, 0, 0, 0, 0, 0, 0]) == [.body(Array(#"{"n":2}"#.utf8) + [0, 0, 0, 0, 0, 0, 0, 0])])
    }

    @Test func withThePreludeTypeButNoPreludeTheBodyIsKept() {
        var body = StreamedBody(contentType: StreamPrelude.contentType)
        #expect(body.take(Array("{not json".utf8)) == [])
        #expect(body.finish() == [.body(Array("{not json".utf8))])
        var text = StreamedBody(contentType: StreamPrelude.contentType)
        #expect(text.take(Array("plain".utf8)) == [.body(Array("plain".utf8))], "not an object: no prelude to wait for")
    }
}
