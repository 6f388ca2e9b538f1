import Foundation
import LambdaTestSupport
import Testing

/// `swift-lambda invoke` run as a user runs it, on C fixture runtimes that really do what each
/// fault is about: answer, fail, exit early, hang, crash; extensions that register or do not.
@Suite struct InvokeCLITests {
    func invoke(_ arguments: [String], lambda: String) throws -> CLIResult {
        try Harness.run(["invoke"] + arguments + ["--lambda-dir", lambda], in: lambda)
    }

    @Test func theResponseAloneGoesToStandardOutput() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let result = try invoke(["fixture", "--data", #"{"x":1}"#, "--env", "FIXTURE_MODE=chatty"], lambda: lambda)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "{\"x\":1}\n")
        // The function's own output, both streams, goes to standard error with Lambda's lines.
        let lines = result.standardError.split(separator: "\n").map(String.init)
        #expect(lines.contains("fixture stdout line"))
        #expect(lines.contains("fixture stderr line"))
        let start = try #require(lines.firstIndex { $0.hasPrefix("START RequestId: ") })
        let report = try #require(lines.firstIndex { $0.hasPrefix("REPORT RequestId: ") })
        #expect(start < report)
        #expect(lines[report].contains("\tDuration: ") && lines[report].contains("\tInit Duration: "))
    }

    /// Without --lambda-dir, invoke looks where build wrote: the lambda-dir of the package's
    /// swift-lambda.toml, relative to the file.
    @Test func theConfiguredLambdaDirectoryIsFound() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let package = "\(lambda)/package"
        try FileManager.default.createDirectory(atPath: package, withIntermediateDirectories: true)
        try "[build]\nlambda-dir = \"..\"\n".write(toFile: "\(package)/swift-lambda.toml", atomically: true, encoding: .utf8)
        let result = try Harness.run(["invoke", "fixture", "--package-path", "package", "--data", #"{"x":2}"#], in: lambda)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "{\"x\":2}\n")
    }

    @Test func theFunctionGetsLambdasEnvironmentAndHeaders() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        try Data(#"{"from":"file"}"#.utf8).write(to: URL(fileURLWithPath: "\(lambda)/event.json"))
        let result = try invoke(
            ["fixture", "--env", "FIXTURE_MODE=env", "--env", "CUSTOM=given", "--env", "AWS_REGION=eu-west-1", "--data-file", "event.json"],
            lambda: lambda)
        #expect(result.status == 0, "\(result.standardError)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(seen["name"] as? String == "fixture")
        #expect(seen["memory"] as? String == "128")
        #expect(seen["version"] as? String == "$LATEST")
        #expect(seen["region"] as? String == "eu-west-1")
        #expect(seen["task"] as? String == "\(lambda)/fixture")
        #expect(seen["cwd"] as? String == "\(lambda)/fixture")
        #expect(seen["handler"] as? String == "bootstrap")
        #expect(seen["ld"] as? String == "\(lambda)/fixture:\(lambda)/fixture/lib:\(lambda)/lib")
        #expect(seen["custom"] as? String == "given")
        #expect(seen["home"] as? String == "", "nothing of the caller's environment")
        #expect(seen["arn"] as? String == "arn:aws:lambda:eu-west-1:000000000000:function:fixture")
        #expect((seen["trace"] as? String)?.hasPrefix("Root=1-") == true)
        let deadline = try #require((seen["deadline"] as? String).flatMap { Int64($0) })
        #expect(deadline > Int64(Date().timeIntervalSince1970 * 1000) - 60_000)
        #expect((seen["event"] as? [String: Any])?["from"] as? String == "file")
        #expect(result.standardError.contains("START RequestId: \(seen["id"] as? String ?? "?")"))
    }

    @Test func aFunctionErrorIsPrintedAndFailsTheCommand() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let result = try invoke(["fixture", "--env", "FIXTURE_MODE=error"], lambda: lambda)
        #expect(result.status == 1)
        #expect(result.standardOutput == "{\"errorMessage\":\"it went wrong\",\"errorType\":\"FixtureError\"}\n")
        #expect(result.standardError.contains("error: fixture answered with an error, FixtureError: it went wrong; the error object is on standard output"))
    }

    @Test func anInitErrorIsReportedWithItsPayloadAndExitStatus() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let result = try invoke(["fixture", "--env", "FIXTURE_MODE=init-error"], lambda: lambda)
        #expect(result.status == 1)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.contains("error: fixture reported init/error ConfigError: missing configuration and then exited with status 3"))
    }

    @Test func aBootstrapThatExitsBeforeAskingIsReported() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let result = try invoke(["fixture", "--env", "FIXTURE_MODE=exit"], lambda: lambda)
        #expect(result.status == 1)
        #expect(result.standardError.contains("fixture: exiting before next"))
        #expect(result.standardError.contains("error: fixture exited with status 4 during initialisation, before asking for an invocation"))
    }

    @Test func aHangingFunctionIsKilledAtTheTimeout() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let pidFile = "\(lambda)/pid"
        let result = try invoke(["fixture", "--env", "FIXTURE_MODE=hang", "--env", "PID_FILE=\(pidFile)", "--timeout", "0.5"], lambda: lambda)
        #expect(result.status == 1)
        #expect(result.standardError.contains("Task timed out after 0.50 seconds"))
        #expect(result.standardError.contains("within 0.50 seconds and was killed (Lambda reports Sandbox.Timedout); raise --timeout"))
        let hung = try #require(pid(in: pidFile))
        #expect(isGone(hung))
    }

    @Test func ctrlCStopsTheFunctionAndExits130() async throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(extensions: ["logger"])
        let pidFile = "\(lambda)/pid"
        let invoke = try BackgroundCLI(
            ["invoke", "fixture", "--extension", "logger", "--env", "FIXTURE_MODE=hang", "--env", "PID_FILE=\(pidFile)",
             "--timeout", "600", "--lambda-dir", lambda], in: lambda)
        _ = try await invoke.waitForLine { $0.hasPrefix("[logger] INVOKE ") }
        let hung = try #require(pid(in: pidFile))
        #expect(try await invoke.interrupt() == 130)
        #expect(invoke.standardError.contains("[logger] SHUTDOWN spindown"))
        #expect(invoke.standardError.hasSuffix("error: interrupted; the function and its extensions were stopped\n"))
        #expect(isGone(hung))
    }

    @Test func aCrashMidInvocationNamesTheSignal() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let result = try invoke(["fixture", "--env", "FIXTURE_MODE=crash"], lambda: lambda)
        #expect(result.status == 1)
        #expect(result.standardError.contains("was killed by signal 11 (SIGSEGV) during invocation"))
        #expect(result.standardError.contains("Status: error\tError Type: Runtime.ExitError"))
    }

    @Test(arguments: [false, true])
    func anExtensionRegistersFirstAndReceivesInvokeAndShutdown(zip: Bool) throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(extensions: ["logger"], zip: zip)
        let result = try invoke(["fixture", "--extension", "logger", "--data", "[1]"] + (zip ? ["--zip"] : []), lambda: lambda)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "[1]\n")
        let lines = result.standardError.split(separator: "\n").map(String.init)
        let registered = try #require(lines.firstIndex(of: "[logger] registered"))
        let start = try #require(lines.firstIndex { $0.hasPrefix("START RequestId: ") })
        let id = String(lines[start].dropFirst("START RequestId: ".count).prefix { $0 != " " })
        let invoked = try #require(lines.firstIndex(of: "[logger] INVOKE \(id)"))
        let shutdown = try #require(lines.firstIndex(of: "[logger] SHUTDOWN spindown"))
        #expect(registered < start && start < invoked && invoked < shutdown)
    }

    @Test func anExtensionThatExitsBeforeRegisteringStopsTheInvocation() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(extensions: ["logger"])
        let pidFile = "\(lambda)/pid"
        let result = try invoke(["fixture", "--extension", "logger", "--env", "EXTENSION_MODE=exit", "--env", "PID_FILE=\(pidFile)"], lambda: lambda)
        #expect(result.status == 1)
        #expect(result.standardError.contains("error: extension 'logger' exited with status 2 before registering; it must POST /2020-01-01/extension/register with Lambda-Extension-Name: logger"))
        #expect(!FileManager.default.fileExists(atPath: pidFile), "the function must not start")
    }

    @Test func theZipIsWhatRuns() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(zip: true)
        // Only the zip holds a runtime: the directory's bootstrap is replaced by one that fails.
        try Data("#!/bin/sh\nexit 9\n".utf8).write(to: URL(fileURLWithPath: "\(lambda)/fixture/bootstrap"))
        let result = try invoke(["fixture", "--zip", "--env", "FIXTURE_MODE=env"], lambda: lambda)
        #expect(result.status == 0, "\(result.standardError)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let task = try #require(seen["task"] as? String)
        #expect(task.hasSuffix("/task") && task.contains("swift-lambda-invoke-"))
        #expect(!FileManager.default.fileExists(atPath: task), "the unpacked zip is removed afterwards")
    }

    /// An extension built alone and a flattened build: the error names the flag, and the flag
    /// runs it (issue 14, item 5).
    @Test func extensionsAndFlattenedBuildsSayHowToRunThem() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory(function: "fixture", extensions: ["logger"])
        let asFunction = try invoke(["logger"], lambda: lambda)
        #expect(asFunction.status == 1)
        #expect(asFunction.standardError == "error: 'logger' was built as an extension (\(lambda)/extensions/logger); run it beside a function: pass the function's name and --extension logger (this lambda directory has: fixture)\n")
        let beside = try invoke(["fixture", "--extension", "logger", "--data", "{}"], lambda: lambda)
        #expect(beside.status == 0, "\(beside.standardError)")

        try FileManager.default.moveItem(atPath: "\(lambda)/fixture/bootstrap", toPath: "\(lambda)/bootstrap")
        try FileManager.default.removeItem(atPath: "\(lambda)/fixture")
        let flat = try invoke(["fixture", "--data", #"{"x":3}"#], lambda: lambda)
        #expect(flat.status == 1)
        #expect(flat.standardError.contains("pass --flattened to run it"), "\(flat.standardError)")
        let flattened = try invoke(["fixture", "--flattened", "--data", #"{"x":3}"#], lambda: lambda)
        #expect(flattened.status == 0, "\(flattened.standardError)")
        #expect(flattened.standardOutput == "{\"x\":3}\n")
    }

    @Test func badInputIsOneLineThatSaysWhatToDo() throws {
        let lambda = try RuntimeFixtures.lambdaDirectory()
        let usage: [([String], String)] = [
            (["fixture", "--data", "{}", "--data-file", "x"], "--data and --data-file both give the event; pass one of them"),
            (["fixture", "--data", "{oops"], "--data is not JSON ("),
            (["fixture", "--timeout", "0"], "--timeout 0.0 is out of range; give seconds above 0 and at most 900"),
            (["fixture", "--env", "NOEQUALS"], "--env 'NOEQUALS' is not KEY=VALUE; write it as --env NAME=value"),
            (["fixture", "--env", "AWS_LAMBDA_RUNTIME_API=x"], "--env AWS_LAMBDA_RUNTIME_API cannot be set: swift-lambda sets it as Lambda does; remove it"),
            (["../fixture"], "'../fixture' is not a function or extension name"),
        ]
        for (arguments, message) in usage {
            let result = try invoke(arguments, lambda: lambda)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
        let missing = try invoke(["absent"], lambda: lambda)
        #expect(missing.status == 1)
        #expect(missing.standardError == "error: no bootstrap for 'absent' at \(lambda)/absent/bootstrap (this lambda directory has: fixture); build it with `swift-lambda build --product absent`, or pass --lambda-dir or --package-path\n")
        let noFile = try invoke(["fixture", "--data-file", "nope.json"], lambda: lambda)
        #expect(noFile.status == 1)
        #expect(noFile.standardError.hasPrefix("error: cannot read --data-file nope.json ("))
    }
}
