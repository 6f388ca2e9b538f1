import Foundation
import Testing

@testable import AWSClient

@Suite struct SigV4Tests {
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", source: "test")
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z

    @Test func vanillaGetMatchesAWSDocumentedSignature() {
        var request = HTTPRequest(method: "GET", endpoint: URL(string: "https://example.amazonaws.com")!, path: "/")
        request.headers = [HTTPHeader("Host", "example.amazonaws.com"), HTTPHeader("X-Amz-Date", "20150830T123600Z")]
        let signature = SigV4.signature(for: request, credentials: Self.credentials, region: "us-east-1", service: "service", date: Self.date)
        #expect(signature.canonicalRequest == """
            GET
            /

            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(signature.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func signAddsDateTokenAndAuthorizationButLeavesHostToTheTransport() {
        let request = HTTPRequest(method: "GET", endpoint: URL(string: "http://127.0.0.1:5000")!, path: "/2015-03-31/functions/echo")
        var credentials = Self.credentials
        credentials.sessionToken = "token"
        let signed = SigV4.sign(request, credentials: credentials, region: "us-east-1", service: "lambda", date: Self.date)
        #expect(signed.header("x-amz-date") == "20150830T123600Z")
        #expect(signed.header("x-amz-security-token") == "token")
        #expect(signed.header("host") == nil)
        #expect(signed.header("authorization")?.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,") == true)
        #expect(request.hostHeader == "127.0.0.1:5000")
    }

    @Test func pathsAreNormalisedAndEncodedAgainExceptForS3() {
        #expect(SigV4.canonicalURI("/example/../a//b/./c%20d/", service: "lambda") == "/a/b/c%2520d/")
        #expect(SigV4.canonicalURI("/bucket/a//b%20c", service: "s3") == "/bucket/a//b%20c")
        #expect(SigV4.canonicalQuery([("b", "2"), ("a", "x y"), ("a", "1")]) == "a=1&a=x%20y&b=2")
    }
}

@Suite struct XMLTreeTests {
    @Test func readsQueryAnswers() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/a&amp;b</Arn>
              <Account>123456789012</Account><Empty/><Data><![CDATA[<x>]]></Data></GetCallerIdentityResult>
              <!-- comment --><ResponseMetadata><RequestId>r&#x31;</RequestId></ResponseMetadata>
            </GetCallerIdentityResponse>
            """
        let tree = try XMLTree.parse(Array(xml.utf8))
        #expect(tree.element(["GetCallerIdentityResult", "Account"])?.text == "123456789012")
        #expect(tree.first("Arn")?.text == "arn:aws:iam::123456789012:user/a&b")
        #expect(tree.first("Data")?.text == "<x>")
        #expect(tree.first("RequestId")?.text == "r1")
        #expect(tree.first("Empty")?.text == "")
    }

    @Test func malformedDocumentsThrowWithTheirOffset() {
        for text in ["", "<a>", "<a></b>", "<a>&bogus;</a>", "<a/><b/>"] {
            #expect(throws: XMLTree.ParseError.self) { try XMLTree.parse(Array(text.utf8)) }
        }
    }
}
