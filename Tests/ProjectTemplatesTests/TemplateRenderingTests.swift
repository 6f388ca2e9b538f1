import Foundation
import ProjectTemplates
import Testing

@Suite struct TemplateRenderingTests {
    @Test func substitutesKnownPlaceholdersInPathsAndContents() throws {
        let template = ProjectTemplate(
            kind: .function,
            files: [
                TemplateFile(
                    path: "Sources/{{MODULE_NAME}}/main.swift",
                    contents: "print(\"{{PRODUCT_NAME}} in {{PACKAGE_NAME}}\") // {{SWIFT_TOOLS_VERSION}}\n"),
                TemplateFile(path: "keep.swift", contents: "let f = {{ 1 }}; let g = {{x}}; let h = \"{{\"\n"),
            ])
        let values = TemplateValues(names: try ProjectNames(package: "pkg", product: "my-fn"), swiftToolsVersion: "6.2")
        #expect(
            try template.render(values)
                == [
                    TemplateFile(path: "Sources/MyFn/main.swift", contents: "print(\"my-fn in pkg\") // 6.2\n"),
                    TemplateFile(path: "keep.swift", contents: "let f = {{ 1 }}; let g = {{x}}; let h = \"{{\"\n"),
                ].sorted { $0.path < $1.path })
    }

    @Test func refusesAnUnknownPlaceholder() throws {
        let template = ProjectTemplate(
            kind: .http, files: [TemplateFile(path: "README.md", contents: "# {{PROJECT_NAME}}\n")])
        #expect(throws: TemplateError.unknownPlaceholder(file: "README.md", name: "PROJECT_NAME")) {
            try template.render(try TestSupport.goldenValues())
        }
    }

    /// What ships in the resource bundle is what `Templates/` holds: the build copied it whole,
    /// hidden files included.
    @Test(arguments: TemplateKind.allCases)
    func bundledTemplateIsTheRepositorysTemplatesFolder(kind: TemplateKind) throws {
        let bundled = try ProjectTemplate.bundled(kind)
        let source = try ProjectTemplate.load(kind, from: "\(TestSupport.repositoryRoot)/Templates/\(kind.rawValue)")
        #expect(bundled == source)
        #expect(bundled.files.map(\.path).contains(".gitignore"))
        #expect(bundled.files.map(\.path).contains("swift-lambda.toml"))
    }

    @Test func aMissingTemplateFolderIsAClearError() {
        #expect(throws: TemplateError.missing(kind: .function, path: "/nonexistent/function")) {
            try ProjectTemplate.load(.function, from: "/nonexistent/function")
        }
    }

    /// Every template rendered for `hello-world` matches its golden copy under Golden/<kind>;
    /// `SWIFT_LAMBDA_RECORD_GOLDEN=1` writes the golden copies instead.
    @Test(arguments: TemplateKind.allCases)
    func renderingMatchesTheGoldenFiles(kind: TemplateKind) throws {
        let rendered = try ProjectTemplate.bundled(kind).render(try TestSupport.goldenValues())
        let golden = "\(TestSupport.testsFolder)/Golden/\(kind.rawValue)"
        if TestSupport.environment["SWIFT_LAMBDA_RECORD_GOLDEN"] == "1" {
            try? FileManager.default.removeItem(atPath: golden)
            try TestSupport.write(rendered, to: golden)
        }
        let expected = try ProjectTemplate.load(kind, from: golden).files
        #expect(rendered.map(\.path) == expected.map(\.path))
        for (file, expectedFile) in zip(rendered, expected) where file != expectedFile {
            Issue.record(
                "\(kind.rawValue)/\(file.path) differs from its golden copy; re-record with SWIFT_LAMBDA_RECORD_GOLDEN=1 if the change is intended:\n\(file.contents)"
            )
        }
        for file in rendered { #expect(!file.contents.contains("{{"), "\(file.path) keeps a {{") }
    }

    @Test func theHTTPSampleEventIsJSONWithTheFieldsAPIGatewayV2RequestRequires() throws {
        let rendered = try ProjectTemplate.bundled(.http).render(try TestSupport.goldenValues())
        let event = try #require(rendered.first { $0.path == "events/hello-world.json" })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(event.contents.utf8)) as? [String: Any])
        for key in ["version", "routeKey", "rawPath", "rawQueryString", "requestContext", "isBase64Encoded"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        let context = try #require(json["requestContext"] as? [String: Any])
        for key in [
            "accountId", "apiId", "domainName", "domainPrefix", "stage", "requestId", "http", "time", "timeEpoch",
        ] {
            #expect(context[key] != nil, "missing requestContext.\(key)")
        }
    }
}
