import ProjectTemplates
import Testing

@Suite struct ProjectNamesTests {
    @Test(arguments: [
        ("echo", "Echo"), ("hello-world", "HelloWorld"), ("hello_world", "HelloWorld"), ("api-v2", "ApiV2"),
        ("myHTTPThing", "MyHTTPThing"), ("a", "A"), ("x--y", "XY"), ("Greeter", "Greeter"),
    ])
    func derivesUpperCamelCaseModuleNames(name: String, module: String) throws {
        let names = try ProjectNames(package: "pkg", product: name)
        #expect(names.product == name)
        #expect(names.module == module)
        #expect(names.testModule == module + "Tests")
    }

    @Test func acceptsTheLongestLambdaName() throws {
        let name = "f" + String(repeating: "x", count: 63)
        #expect(try ProjectNames(package: name, product: name).product.count == 64)
    }

    @Test func refusesWhatLambdaOrSwiftCannotTake() throws {
        let cases: [(String, NameError)] = [
            ("", .empty),
            ("my func", .invalidCharacter(name: "my func", character: " ")),
            ("my.func", .invalidCharacter(name: "my.func", character: ".")),
            ("café", .invalidCharacter(name: "café", character: "é")),
            (
                "f" + String(repeating: "x", count: 64),
                .tooLong(name: "f" + String(repeating: "x", count: 64), length: 65)
            ),
            ("2fast", .doesNotStartWithALetter(name: "2fast")),
            ("-flag", .doesNotStartWithALetter(name: "-flag")),
            ("_hidden", .doesNotStartWithALetter(name: "_hidden")),
            ("foundation", .reservedModuleName(name: "foundation", module: "Foundation")),
        ]
        for (name, expected) in cases {
            #expect(throws: expected) { try ProjectNames(package: "p", product: name) }
        }
        // Only exact module names collide: AwsLambdaRuntime is not AWSLambdaRuntime.
        #expect(try ProjectNames(package: "p", product: "aws-lambda-runtime").module == "AwsLambdaRuntime")
        #expect(throws: NameError.reservedModuleName(name: "AWSLambdaRuntime", module: "AWSLambdaRuntime")) {
            try ProjectNames(package: "p", product: "AWSLambdaRuntime")
        }
    }

    @Test func errorsAreOneLineThatSayWhatToDo() {
        let messages = [
            NameError.empty, .invalidCharacter(name: "my func", character: " "),
            .invalidCharacter(name: "a\u{7}b", character: "\u{7}"), .tooLong(name: "x", length: 65),
            .doesNotStartWithALetter(name: "2fast"), .reservedModuleName(name: "swift", module: "Swift"),
        ].map(\.description)
        for message in messages { #expect(!message.contains("\n")) }
        #expect(
            messages[1]
                == "'my func' is not a valid Lambda function name: it contains a space; use only letters, digits, '-' and '_'"
        )
        #expect(messages[2].contains("U+7"))
        #expect(messages[4].contains("start it with one"))
    }
}
