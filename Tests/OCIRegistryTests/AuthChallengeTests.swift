import Testing

@testable import OCIRegistry

/// `WWW-Authenticate` read as RFC 9110's grammar: quoted values keep their commas.
@Suite struct AuthChallengeTests {
    @Test func bearerWithACommaInTheQuotedScope() {
        let header =
            #"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/orders:pull,push""#
        let challenges = AuthChallenge.parse(header)
        #expect(challenges.count == 1)
        #expect(challenges.first?.scheme == "bearer")
        #expect(challenges.first?["realm"] == "https://auth.example.com/token")
        #expect(challenges.first?["service"] == "registry.example.com")
        #expect(challenges.first?["scope"] == "repository:team/orders:pull,push")
    }

    @Test func basicAnyCaseWithSpacesAndEscapes() {
        let challenges = AuthChallenge.parse(#"BASIC  Realm = "say \"hi\", please" , charset=UTF-8"#)
        #expect(
            challenges == [
                AuthChallenge(scheme: "basic", parameters: ["realm": #"say "hi", please"#, "charset": "UTF-8"])
            ])
    }

    @Test func severalChallengesInOneHeader() {
        let challenges = AuthChallenge.parse(
            #"Basic realm="a,b", Bearer realm="https://t/token",error="insufficient_scope",scope="repository:x:pull,push""#
        )
        #expect(challenges.map(\.scheme) == ["basic", "bearer"])
        #expect(challenges[0]["realm"] == "a,b")
        #expect(challenges[1]["error"] == "insufficient_scope")
        #expect(challenges[1]["scope"] == "repository:x:pull,push")
    }

    @Test func unquotedValuesAndASchemeAlone() {
        #expect(
            AuthChallenge.parse("Bearer realm=https://t/token,service=reg") == [
                AuthChallenge(scheme: "bearer", parameters: ["realm": "https://t/token", "service": "reg"])
            ])
        #expect(AuthChallenge.parse("Negotiate") == [AuthChallenge(scheme: "negotiate")])
        #expect(AuthChallenge.parse("").isEmpty)
        #expect(AuthChallenge.parse(#"Bearer realm="unterminated"#).first?["realm"] == "unterminated")
    }
}
