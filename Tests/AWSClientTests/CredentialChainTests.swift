import Foundation
import LambdaSupport
import Testing

@testable import AWSClient

@Suite struct CredentialChainTests {
    static let keys = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"]

    // MARK: - Environment

    @Test func environmentKeysWithToken() async throws {
        try await TemporaryHome.with { home in
            let found = try await home.chain(Self.keys.merging(["AWS_SESSION_TOKEN": "env-token"]) { $1 }).credentials()
            #expect(found == AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "env-secret", sessionToken: "env-token", source: "environment"))
        }
    }

    @Test(arguments: [
        (["AWS_ACCESS_KEY_ID": "AKIDENV"], "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both, or remove AWS_ACCESS_KEY_ID"),
        (["AWS_SECRET_ACCESS_KEY": "env-secret"], "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"),
    ])
    func halfAnEnvironmentPairSaysWhichIsMissing(variables: [String: String], message: String) async throws {
        try await TemporaryHome.with { home in
            let error = await thrownError { try await home.chain(variables).credentials() }
            #expect("\(error.map { "\($0)" } ?? "")".contains(message))
            #expect(!"\(error.map { "\($0)" } ?? "")".contains("env-secret"))
        }
    }

    // MARK: - Shared files

    @Test func credentialsFileAsAWSReadsIt() async throws {
        let credentials = """
            # a comment
            ; another
            [default]
            aws_access_key_id=AKIDDEFAULT
            aws_secret_access_key=default-secret

            [dev]
              AWS_Access_Key_ID : AKIDDEV
            aws_secret_access_key =  dev/secret+with=signs
            aws_session_token = dev-token
            """
        try await TemporaryHome.with(credentials: credentials) { home in
            let dev = try await home.chain(["AWS_PROFILE": "dev"]).credentials()
            #expect(dev.accessKeyID == "AKIDDEV")
            #expect(dev.secretAccessKey == "dev/secret+with=signs")
            #expect(dev.sessionToken == "dev-token")
            #expect(dev.source == "profile dev in \(home.path)/.aws/credentials")
            #expect(try await home.chain().credentials().accessKeyID == "AKIDDEFAULT")
            #expect(try await home.chain(profile: "dev").credentials().accessKeyID == "AKIDDEV")
        }
    }

    @Test func configFileProfilesAndTheCredentialsFileWinning() async throws {
        let config = """
            [default]
            region = eu-west-1
            [profile ops]
            aws_access_key_id = AKIDCONFIG
            aws_secret_access_key = config-secret
            [profile both]
            aws_access_key_id = AKIDLOSES
            aws_secret_access_key = loses
            [ops]
            aws_access_key_id = AKIDNOTAPROFILE
            """
        let credentials = "[both]\naws_access_key_id = AKIDWINS\naws_secret_access_key = wins\n"
        try await TemporaryHome.with(credentials: credentials, config: config) { home in
            let ops = try await home.chain(profile: "ops").credentials()
            #expect(ops.accessKeyID == "AKIDCONFIG")
            #expect(ops.source == "profile ops in \(home.path)/.aws/config")
            #expect(try await home.chain(profile: "both").credentials().accessKeyID == "AKIDWINS")
        }
    }

    @Test func filesNamedByTheVariablesWithTilde() async throws {
        try await TemporaryHome.with { home in
            try home.write("elsewhere/creds", "[default]\naws_access_key_id = AKIDMOVED\naws_secret_access_key = moved\n")
            let found = try await home.chain(["AWS_SHARED_CREDENTIALS_FILE": "~/elsewhere/creds", "AWS_CONFIG_FILE": "~/none"]).credentials()
            #expect(found.accessKeyID == "AKIDMOVED")
            #expect(found.source == "profile default in \(home.path)/elsewhere/creds")
        }
    }

    @Test func anExplicitProfileThatDoesNotExistNamesFilesAndProfiles() async throws {
        try await TemporaryHome.with(credentials: "[default]\n[prod]\n", config: "[profile staging]\n") { home in
            for chain in [home.chain(profile: "prd"), home.chain(["AWS_PROFILE": "prd"])] {
                let error = await thrownError { try await chain.credentials() }
                #expect(
                    error as? AWSError
                        == .profileNotFound(
                            name: "prd", files: ["\(home.path)/.aws/credentials", "\(home.path)/.aws/config"],
                            existing: ["default", "prod", "staging"]))
                #expect(
                    "\(error!)"
                        == "no profile 'prd' in \(home.path)/.aws/credentials or \(home.path)/.aws/config (profiles there: default, prod, staging); did you mean 'prod'? fix --profile or AWS_PROFILE, or add the profile (aws configure --profile prd)"
                )
            }
        }
    }

    @Test func anExplicitProfileSkipsTheEnvironmentAsTheAWSCLIDoes() async throws {
        try await TemporaryHome.with(credentials: "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev\n") { home in
            let flagged = try await home.chain(Self.keys, profile: "dev").credentials()
            #expect(flagged.accessKeyID == "AKIDDEV")
            // AWS_PROFILE does not: keys in the environment still come first.
            #expect(try await home.chain(Self.keys.merging(["AWS_PROFILE": "dev"]) { $1 }).credentials().accessKeyID == "AKIDENV")
        }
    }

    @Test func halfAProfilesPairAndASyntaxErrorAreLocated() async throws {
        try await TemporaryHome.with(credentials: "[default]\naws_access_key_id = AKIDHALF\n") { home in
            let error = await thrownError { try await home.chain().credentials() }
            #expect("\(error!)".contains("aws_access_key_id is set but aws_secret_access_key is not; set both, or remove aws_access_key_id"))
        }
        try await TemporaryHome.with(config: "[default]\nregion = us-east-1\nthis line is wrong\n") { home in
            let error = await thrownError { try await home.chain().credentials() }
            #expect("\(error!)" == "could not get credentials from \(home.path)/.aws/config: line 3 is a line that is neither '[section]' nor 'key = value'; fix the file (it is INI: [section] then key = value lines)")
        }
    }

    @Test func iniContinuationLinesAndNestedBlocks() throws {
        let sections = try INIFile.parse(
            "[profile x]\ns3 =\n  max_concurrent_requests = 10\nregion=us-west-2\r\n[profile x]\nregion = eu-west-1 # kept\n", path: "f")
        #expect(sections["profile x"]?["s3"] == "\nmax_concurrent_requests = 10")
        #expect(sections["profile x"]?["region"] == "eu-west-1 # kept")
        // An indented line after a setting continues it, as in configparser, even one like a header.
        #expect(try INIFile.parse("[a]\nk = v\n\n  [b]\n", path: "f") == ["a": ["k": "v\n[b]"]])
        #expect(try INIFile.parse("[ spaced ]\n", path: "f") == [" spaced ": [:]])
    }

    // MARK: - credential_process

    static let processScript = """
        #!/bin/sh
        printf '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process-secret", "SessionToken": "%s|%s|%s", "Expiration": "2099-01-01T00:00:00Z"}' "$1" "$2" "$#"
        """

    @Test func credentialProcessSplitAsTheAWSCLIDoesAndRunWithoutAShell() async throws {
        try await TemporaryHome.with { home in
            try home.write("bin/creds", Self.processScript, executable: true)
            try home.write(
                ".aws/config", "[profile tool]\ncredential_process = ~/bin/creds 'two  words' back\\ slash\\$HOME\n")
            let found = try await home.chain(profile: "tool").credentials()
            #expect(found.accessKeyID == "AKIDPROCESS")
            #expect(found.secretAccessKey == "process-secret")
            #expect(found.sessionToken == "two  words|back slash$HOME|2")
            #expect(found.expiration == ISO8601.date("2099-01-01T00:00:00Z"))
            #expect(found.source == "profile tool (credential_process)")
        }
    }

    @Test func credentialProcessFailures() async throws {
        try await TemporaryHome.with { home in
            try home.write("bin/fails", "#!/bin/sh\necho 'token expired: run login' >&2\necho more >&2\nexit 3\n", executable: true)
            try home.write("bin/v2", "#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"process-secret\"}'\n", executable: true)
            try home.write("bin/nokey", "#!/bin/sh\necho '{\"Version\": 1, \"SecretAccessKey\": \"process-secret\"}'\n", executable: true)
            try home.write(
                ".aws/config",
                """
                [profile fails]
                credential_process = \(home.path)/bin/fails
                [profile v2]
                credential_process = \(home.path)/bin/v2
                [profile nokey]
                credential_process = \(home.path)/bin/nokey
                [profile quote]
                credential_process = \(home.path)/bin/fails 'open
                [profile missing]
                credential_process = no-such-credential-helper --json
                """)
            let expected = [
                "fails": "could not get credentials from credential_process of profile fails: \(home.path)/bin/fails exited with status 3: token expired: run login",
                "v2": "could not get credentials from credential_process of profile v2: \(home.path)/bin/v2 printed Version 2; only Version 1 is read",
                "nokey": "could not get credentials from credential_process of profile nokey: \(home.path)/bin/nokey printed something unreadable: the answer has no AccessKeyId",
                "quote": "could not get credentials from credential_process of profile quote: '\(home.path)/bin/fails 'open' has an unclosed '; fix its quoting",
            ]
            await home.expectErrors(byProfile: expected, withoutSecret: "process-secret")
            let missing = await thrownError { try await home.chain(profile: "missing").credentials() }
            #expect("\(missing!)".contains("'no-such-credential-helper' was not found on PATH"))
        }
    }

    @Test func shellWordsFollowPOSIXShlex() throws {
        #expect(try ShellWords.split(#"  a "b c" 'd "e"' f\ g "h\"i\\j\k" '' x"y"z "#) == ["a", "b c", #"d "e""#, "f g", #"h"i\j\k"#, "", "xyz"])
        #expect(throws: ShellWords.Unbalanced.self) { try ShellWords.split(#"a "b"#) }
        #expect(throws: ShellWords.Unbalanced.self) { try ShellWords.split(#"a \"#) }
    }

    // MARK: - Roles without a network

    @Test func sourceProfileLoopsAndMissingSourcesAreErrors() async throws {
        let config = """
            [profile a]
            role_arn = arn:aws:iam::123456789012:role/a
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::123456789012:role/b
            source_profile = a
            [profile self]
            role_arn = arn:aws:iam::123456789012:role/self
            source_profile = self
            [profile orphan]
            role_arn = arn:aws:iam::123456789012:role/orphan
            source_profile = gone
            [profile nothing]
            role_arn = arn:aws:iam::123456789012:role/nothing
            """
        try await TemporaryHome.with(config: config) { home in
            let expected = [
                "a": "could not get credentials from profile a: its source_profile chain loops (a -> b -> a); end it at a profile with keys",
                "self": "could not get credentials from profile self: its source_profile chain loops (self -> self); end it at a profile with keys",
                "orphan": "could not get credentials from profile orphan: its source_profile 'gone' is not in \(home.path)/.aws/credentials or \(home.path)/.aws/config",
                "nothing": "could not get credentials from profile nothing: role_arn needs source_profile or credential_source; add one",
            ]
            await home.expectErrors(byProfile: expected)
        }
    }

    @Test func credentialSourceEnvironmentSignsAssumeRoleWithTheEnvironmentsKeys() async throws {
        let config = """
            [profile ci]
            role_arn = arn:aws:iam::123456789012:role/deployer
            credential_source = Environment
            role_session_name = ci-run
            external_id = shared-secret-id
            duration_seconds = 900
            """
        try await TemporaryHome.with(config: config) { home in
            let transport = FakeTransport { request in
                Canned.form(request)["Action"] == "AssumeRole" ? Canned.stsCredentials("AssumeRole", key: "ASIAROLE") : nil
            }
            let endpoints = AWSEndpoints(region: "eu-west-1", environment: [:])
            let found = try await home.chain(Self.keys, profile: "ci", transport: transport, endpoints: endpoints).credentials()
            #expect(found.accessKeyID == "ASIAROLE")
            #expect(found.sessionToken == "sts-token")
            #expect(found.source == "profile ci (role arn:aws:iam::123456789012:role/deployer)")
            let request = try #require(transport.requests.first)
            #expect(request.host == "sts.eu-west-1.amazonaws.com")
            #expect(request.header("authorization")?.contains("Credential=AKIDENV/") == true)
            #expect(
                Canned.form(request) == [
                    "Action": "AssumeRole", "Version": "2011-06-15", "RoleArn": "arn:aws:iam::123456789012:role/deployer",
                    "RoleSessionName": "ci-run", "ExternalId": "shared-secret-id", "DurationSeconds": "900",
                ])
        }
    }

    // MARK: - Precedence

    /// Every source set up at once; each test removes the winners above the one it checks.
    static func everySource(_ home: TemporaryHome) throws -> (variables: [String: String], transport: FakeTransport) {
        try home.write(".aws/credentials", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n")
        try home.write("token", "web-token\n")
        let variables = Self.keys.merging([
            "AWS_WEB_IDENTITY_TOKEN_FILE": "\(home.path)/token", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/web",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds", "AWS_EC2_METADATA_DISABLED": "false",
        ]) { $1 }
        let transport = FakeTransport { request in
            switch (request.host, request.path) {
            case ("sts.us-east-1.amazonaws.com", _):
                Canned.stsCredentials("AssumeRoleWithWebIdentity", key: "ASIAWEB")
            case ("127.0.0.1", "/creds"):
                HTTPResponse(status: 200, body: Data(Canned.json(key: "ASIACONTAINER").utf8))
            case ("169.254.169.254", "/latest/api/token"):
                HTTPResponse(status: 200, body: Data("imds-token".utf8))
            case ("169.254.169.254", "/latest/meta-data/iam/security-credentials/"):
                HTTPResponse(status: 200, body: Data("instance-role".utf8))
            case ("169.254.169.254", "/latest/meta-data/iam/security-credentials/instance-role"):
                HTTPResponse(status: 200, body: Data(Canned.json(key: "ASIAINSTANCE").utf8))
            default:
                nil
            }
        }
        return (variables, transport)
    }

    @Test func precedenceEnvironmentProfileWebIdentityContainerInstance() async throws {
        let removals: [(removed: [String], expected: String)] = [
            ([], "AKIDENV"),
            (["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], "AKIDPROFILE"),
            (["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "profile"], "ASIAWEB"),
            (["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "profile", "AWS_WEB_IDENTITY_TOKEN_FILE"], "ASIACONTAINER"),
            (
                ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "profile", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI"],
                "ASIAINSTANCE"
            ),
        ]
        for (removed, expected) in removals {
            try await TemporaryHome.with { home in
                var (variables, transport) = try Self.everySource(home)
                for name in removed { variables[name] = nil }
                if removed.contains("profile") { try home.write(".aws/credentials", "") }
                let found = try await home.chain(variables, transport: transport).credentials()
                #expect(found.accessKeyID == expected, "with \(removed) removed")
            }
        }
    }

    @Test func nothingFoundNamesEachPlace() async throws {
        try await TemporaryHome.with { home in
            let error = await thrownError { try await home.chain(["AWS_EC2_METADATA_DISABLED": "false"]).credentials() }
            let looked = [
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                "profile 'default' in \(home.path)/.aws/credentials and \(home.path)/.aws/config",
                "AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN",
                "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI)",
                "EC2 instance metadata (at http://169.254.169.254: connection refused)",
            ]
            #expect(error as? AWSError == .noCredentials(looked: looked))
            #expect(
                "\(error!)"
                    == "no AWS credentials found (looked in: \(looked.joined(separator: ", "))); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile with a profile in ~/.aws/credentials"
            )
        }
    }

    // MARK: - Cache and refresh

    @Test func cachedForTheRunAndRefreshedWithinFiveMinutesOfExpiry() async throws {
        try await TemporaryHome.with { home in
            let clock = TestClock(ISO8601.date("2099-01-01T00:00:00Z")!.addingTimeInterval(-3600))
            let transport = FakeTransport { request in
                HTTPResponse(status: 200, body: Data(Canned.json(key: "ASIACONTAINER", expiration: "2099-01-01T00:00:00Z").utf8))
            }
            let chain = home.chain(
                ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://localhost:9/creds"], transport: transport, now: clock.now)
            async let first = chain.credentials()
            async let second = chain.credentials()
            _ = try await (first, second)
            _ = try await chain.credentials()
            #expect(transport.requests.count == 1)
            clock.advance(by: 3600 - 6 * 60)
            _ = try await chain.credentials()
            #expect(transport.requests.count == 1)
            clock.advance(by: 2 * 60)
            _ = try await chain.credentials()
            #expect(transport.requests.count == 2)
        }
    }

    @Test func aFailedRefreshKeepsCredentialsThatStillWork() async throws {
        try await TemporaryHome.with { home in
            let clock = TestClock(ISO8601.date("2099-01-01T00:00:00Z")!.addingTimeInterval(-60))
            let answers = TestClock(Date(timeIntervalSince1970: 0))  // counts the requests
            let transport = FakeTransport { _ in
                answers.advance(by: 1)
                return answers.now().timeIntervalSince1970 == 1
                    ? HTTPResponse(status: 200, body: Data(Canned.json(key: "ASIAFIRST", expiration: "2099-01-01T00:00:00Z").utf8))
                    : HTTPResponse(status: 503)
            }
            let chain = home.chain(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://localhost:9/creds"], transport: transport, now: clock.now)
            let first = try await chain.credentials()
            // Due for refresh (1 minute left) and the refresh fails: the old ones still work.
            let kept = try await chain.credentials()
            #expect(first.accessKeyID == "ASIAFIRST" && kept == first)
            clock.advance(by: 120)
            let error = await thrownError { try await chain.credentials() }
            #expect("\(error!)".contains("it answered HTTP 503"))
        }
    }

    // MARK: - Secrets

    @Test func secretsAppearInNoDescriptionTraceOrError() async throws {
        try await TemporaryHome.with { home in
            let trace = TraceLog()
            let found = try await home.chain(Self.keys.merging(["AWS_SESSION_TOKEN": "env-token"]) { $1 }, trace: trace.sink).credentials()
            #expect("\(found)" == "***DENV from environment")
            for text in ["\(found)", trace.text] {
                #expect(!text.contains("env-secret") && !text.contains("env-token") && !text.contains("AKIDENV"))
            }
            let transport = FakeTransport { _ in HTTPResponse(status: 200, body: Data(#"{"AccessKeyId": "", "SecretAccessKey": "leaked-secret"}"#.utf8)) }
            let error = await thrownError {
                try await home.chain(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/x"], transport: transport).credentials()
            }
            #expect("\(error!)" == "could not get credentials from container credentials at http://127.0.0.1:9/x: the answer has no AccessKeyId")
        }
    }
}

/// A clock a test moves.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    var now: @Sendable () -> Date { { self.lock.withLock { self.current } } }

    func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }
}
