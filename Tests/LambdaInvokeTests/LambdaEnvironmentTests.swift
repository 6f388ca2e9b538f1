import LambdaEmulator
import LambdaInvoke
import Testing

@Suite struct LambdaEnvironmentTests {
    @Test func assignmentsParseAndLaterOnesWin() throws {
        let parsed = try LambdaEnvironment.parse(["A=1", "B=x=y", "EMPTY=", "A=2"])
        #expect(parsed == ["A": "2", "B": "x=y", "EMPTY": ""])
    }

    @Test func malformedAndReservedAssignmentsAreRefused() {
        #expect(throws: InvokeError.invalidEnvironment("NOVALUE")) { try LambdaEnvironment.parse(["NOVALUE"]) }
        #expect(throws: InvokeError.invalidEnvironment("=x")) { try LambdaEnvironment.parse(["=x"]) }
        #expect(throws: InvokeError.invalidEnvironment("A B=1")) { try LambdaEnvironment.parse(["A B=1"]) }
        for key in ["AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "AWS_LAMBDA_FUNCTION_NAME"] {
            #expect(throws: InvokeError.reservedEnvironment(key)) { try LambdaEnvironment.parse(["\(key)=x"]) }
        }
        #expect("\(InvokeError.invalidEnvironment("NOVALUE"))" == "--env 'NOVALUE' is not KEY=VALUE; write it as --env NAME=value")
    }

    @Test func theIdentityFollowsOverrides() {
        let identity = LambdaEnvironment.identity(
            name: "fn", overrides: ["AWS_REGION": "eu-west-1", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512", "AWS_LAMBDA_FUNCTION_VERSION": "7"])
        #expect(identity == FunctionIdentity(name: "fn", version: "7", memorySize: 512, region: "eu-west-1"))
        #expect(identity.arn == "arn:aws:lambda:eu-west-1:000000000000:function:fn")
        #expect(LambdaEnvironment.identity(name: "fn", overrides: [:]) == FunctionIdentity(name: "fn"))
    }

    @Test func variablesAreLambdasWithLocalPathsAndNothingElse() {
        let variables = LambdaEnvironment.variables(
            for: FunctionIdentity(name: "fn"), runtimeAPI: "127.0.0.1:9001", taskRoot: "/t/task", optRoot: "/t/opt",
            overrides: ["CUSTOM": "1", "TZ": "Asia/Tokyo"])
        #expect(variables["AWS_LAMBDA_RUNTIME_API"] == "127.0.0.1:9001")
        #expect(variables["AWS_LAMBDA_FUNCTION_NAME"] == "fn")
        #expect(variables["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128")
        #expect(variables["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST")
        #expect(variables["LAMBDA_TASK_ROOT"] == "/t/task")
        #expect(variables["_HANDLER"] == "bootstrap")
        #expect(variables["AWS_REGION"] == "us-east-1")
        #expect(variables["LD_LIBRARY_PATH"] == "/t/task:/t/task/lib:/t/opt/lib")
        #expect(variables["PATH"] == "/usr/local/bin:/usr/bin:/bin:/t/opt/bin")
        #expect(variables["CUSTOM"] == "1")
        #expect(variables["TZ"] == "Asia/Tokyo")
        #expect(variables["HOME"] == nil)
        #expect(variables["USER"] == nil)
    }

    @Test func verboseOutputMasksWhatLooksLikeASecret() {
        for name in ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "DB_PASSWORD", "STRIPE_API_KEY", "signing_key", "GITHUB_AUTH", "PRIVATE_PEM"] {
            #expect(LambdaEnvironment.looksSecret(name), "\(name)")
        }
        for name in ["AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "LAMBDA_TASK_ROOT", "PATH", "KEYBOARD_LAYOUT"] {
            #expect(!LambdaEnvironment.looksSecret(name), "\(name)")
        }
        #expect(LambdaEnvironment.displayed(["B_TOKEN": "t0k", "A": "1"]) == ["A=1", "B_TOKEN=****"])
    }
}
