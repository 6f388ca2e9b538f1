import LambdaConfig
import Testing

/// What each deploy setting accepts, and the one-line error for what it does not.
@Suite struct DeployChoicesTests {
    func accepts(_ setting: Setting, _ value: SettingValue) -> Bool { DeployChoices.expected(setting, value) == nil }

    @Test func lambdasLimitsAndNameRules() {
        #expect(accepts(.memory, .integer(128)) && accepts(.memory, .integer(10240)))
        #expect(!accepts(.memory, .integer(127)) && !accepts(.memory, .integer(10241)))
        #expect(accepts(.timeout, .integer(1)) && accepts(.timeout, .integer(900)))
        #expect(!accepts(.timeout, .integer(0)) && !accepts(.timeout, .integer(901)))
        for role in ["arn:aws:iam::123456789012:role/app", "arn:aws-cn:iam::123456789012:role/service-role/app", "arn:aws-us-gov:iam::123456789012:role/a+b=c,d.e@f_g-h"] {
            #expect(accepts(.iamRole, .string(role)), "\(role)")
        }
        for role in ["arn:aws:iam::12345678901:role/app", "arn:aws:iam::123456789012:user/app", "arn:aws-eu:iam::123456789012:role/app", "app", "arn:aws:iam::123456789012:role/"] {
            #expect(!accepts(.iamRole, .string(role)), "\(role)")
        }
        #expect(accepts(.alias, .string("live")) && accepts(.alias, .string("v2_blue-green")) && accepts(.alias, .string("1a")))
        #expect(!accepts(.alias, .string("123")) && !accepts(.alias, .string("")) && !accepts(.alias, .string("a.b"))
            && !accepts(.alias, .string(String(repeating: "a", count: 129))))
        #expect(accepts(.functionDescription, .string(String(repeating: "é", count: 256))))
        #expect(!accepts(.functionDescription, .string(String(repeating: "a", count: 257))))
        #expect(accepts(.functionURLAuth, .string("none")) && accepts(.functionURLAuth, .string("iam")))
        #expect(!accepts(.functionURLAuth, .string("AWS_IAM")))
        #expect(accepts(.layers, .list(["otel", "arn:aws:lambda:us-east-1:123456789012:layer:otel-collector:12"])))
        #expect(!accepts(.layers, .list(["arn:aws:lambda:us-east-1:123456789012:layer:otel"])))
        #expect(!accepts(.layers, .list(["a", "b", "c", "d", "e", "f"])))
        #expect(accepts(.region, .string("us-gov-west-1")) && !accepts(.region, .string("us-east1")) && !accepts(.region, .string("EU-WEST-1")))
        #expect(accepts(.endpointURL, .string("http://127.0.0.1:5000")) && !accepts(.endpointURL, .string("127.0.0.1:5000")))
        #expect(accepts(.s3Bucket, .string("my.bucket-1")) && !accepts(.s3Bucket, .string("My_Bucket")) && !accepts(.s3Bucket, .string("ab")))
        #expect(!accepts(.profile, .string("")) && !accepts(.envFile, .string("")))
        // Build settings are not deploy's to judge.
        #expect(accepts(.compiler, .string("zig")))
    }

    @Test func environmentNamesAndTags() {
        #expect(accepts(.env, .table(["LOG_LEVEL": "info", "a1_": ""])))
        #expect(DeployChoices.expected(.env, .table(["1ST": "x"])) == "names of a letter then letters, digits and _ ([A-Za-z][A-Za-z0-9_]*)")
        #expect(!accepts(.env, .table(["MY-VAR": "x"])))
        for reserved in DeployChoices.reservedVariables {
            #expect(DeployChoices.expected(.env, .table([reserved: "x"])) == "a name Lambda does not reserve (it sets \(reserved) itself)")
        }
        #expect(DeployChoices.reservedVariables.count == 18)
        #expect(accepts(.tags, .table(["team": "core", "cost-centre": ""])))
        #expect(!accepts(.tags, .table(["aws:created": "x"])) && !accepts(.tags, .table(["t": String(repeating: "v", count: 257)])))
    }

    @Test func everyLayerIsCheckedAndTheErrorSaysWhereWhatAndWhatIsAccepted() throws {
        let file = try ConfigFile(
            text: "[deploy]\nmemory = 64\n[functions.echo]\nmemory = 512\n", path: "/p/swift-lambda.toml")
        // The function's table hides [deploy]'s value for echo; it is still a mistake.
        let configuration = Configuration(environment: Layer(), file: file, flags: Layer())
        #expect(configuration.value(of: .memory, for: "echo")?.value == .integer(512))
        let error = try #require(throws: ConfigError.self) { try configuration.checkValues(DeployChoices.expected) }
        #expect("\(error)" == "/p/swift-lambda.toml:2 [deploy]: memory = '64' is not valid; use megabytes from 128 to 10240")

        var flags = Layer()
        flags.set(.alias, .string("42"), from: Origin(.flag("--alias"), baseDirectory: "/p"))
        let flagged = Configuration(environment: Layer(), file: nil, flags: flags)
        #expect(throws: ConfigError.badValue(setting: "alias", origin: "--alias", value: "42", expected: "an alias name of 1 to 128 letters, digits, - and _, not only digits")) {
            try flagged.checkValues(DeployChoices.expected)
        }
    }

    @Test func aBadTableEntryIsNamedByItsKeyAndItsValueIsNotShown() throws {
        let file = try ConfigFile(
            text: "[functions.echo]\nenv = { API_TOKEN = \"s3cr3t\", AWS_REGION = \"eu-west-1\" }\n", path: "/p/swift-lambda.toml")
        let error = try #require(throws: ConfigError.self) {
            try Configuration(environment: Layer(), file: file, flags: Layer()).checkValues(DeployChoices.expected)
        }
        #expect(error == .badValue(setting: "env", origin: "/p/swift-lambda.toml:2 [functions.echo]", value: "{ AWS_REGION = … }", expected: "a name Lambda does not reserve (it sets AWS_REGION itself)"))
        #expect(!"\(error)".contains("s3cr3t") && !"\(error)".contains("eu-west-1"))
    }
}
