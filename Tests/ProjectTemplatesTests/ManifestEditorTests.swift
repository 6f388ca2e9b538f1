import Foundation
import ProjectTemplates
import Testing

/// What `init` adds for a product `orders`, read from the rendered templates as `init` reads them.
func additions(_ kind: TemplateKind) throws -> ManifestAdditions {
    let values = TemplateValues(names: try ProjectNames(package: "p", product: "orders"), swiftToolsVersion: "6.1")
    let manifest = try #require(try ProjectTemplate.bundled(kind).render(values).first { $0.path == "Package.swift" })
    let template = try ManifestEditor(manifest.contents)
    return ManifestAdditions(
        platforms: try template.elements(of: "platforms"),
        products: try template.elements(of: "products"),
        dependencies: try template.elements(of: "dependencies"), targets: try template.elements(of: "targets"))
}

@Suite struct ManifestEditorTests {
    @Test func readsTheTemplatesElementsInBothLayouts() throws {
        let function = try additions(.function)
        #expect(function.platforms == [ManifestElement(expanded: ".macOS(.v15)", compact: ".macOS(.v15)")])
        #expect(
            function.targets.map(\.compact) == [
                #".executableTarget(name: "Orders", dependencies: [.product(name: "AWSLambdaRuntime", package: "swift-aws-lambda-runtime")])"#,
                #".testTarget(name: "OrdersTests", dependencies: ["Orders"])"#,
            ])
        #expect(
            function.targets[1].expanded == """
                .testTarget(
                    name: "OrdersTests",
                    dependencies: ["Orders"]
                )
                """)
    }

    @Test func appendsInTheArraysOwnLayoutWithoutTrailingCommas() throws {
        let manifest = """
            let package = Package(
                name: "p",
                products: [
                    .executable(name: "a", targets: ["A"])
                ],
                targets: [
                    .executableTarget(name: "A")
                ]
            )
            """
        #expect(
            try ManifestEditor(manifest).adding(try additions(.extension)) == """
                let package = Package(
                    name: "p",
                    products: [
                        .executable(name: "a", targets: ["A"]),
                        .executable(name: "orders", targets: ["Orders"])
                    ],
                    targets: [
                        .executableTarget(name: "A"),
                        .executableTarget(name: "Orders"),
                        .testTarget(name: "OrdersTests", dependencies: ["Orders"])
                    ]
                )
                """)
    }

    @Test func keepsOneLineArraysOnOneLine() throws {
        let manifest = """
            let package = Package(
                name: "p",
                products: [.executable(name: "a", targets: ["A"])],
                targets: [.executableTarget(name: "A"),]
            )
            """
        #expect(
            try ManifestEditor(manifest).adding(try additions(.extension)) == """
                let package = Package(
                    name: "p",
                    products: [.executable(name: "a", targets: ["A"]), .executable(name: "orders", targets: ["Orders"])],
                    targets: [.executableTarget(name: "A"), .executableTarget(name: "Orders"), .testTarget(name: "OrdersTests", dependencies: ["Orders"]),]
                )
                """)
    }

    @Test func addsMissingArgumentsInDeclarationOrderAndIgnoresBracketsInCommentsAndStrings() throws {
        let manifest = """
            // A package ] with ( odd comments
            let package = Package(
                name: "p", // trailing ) comment
                targets: [
                    /* first [ target */
                    .executableTarget(name: "A", path: "Sources/A]"), // the ) A
                ]
            )
            """
        #expect(
            try ManifestEditor(manifest).adding(try additions(.function)) == """
                // A package ] with ( odd comments
                let package = Package(
                    name: "p", // trailing ) comment
                    platforms: [.macOS(.v15)],
                    products: [
                        .executable(name: "orders", targets: ["Orders"]),
                    ],
                    dependencies: [
                        .package(url: "https://github.com/awslabs/swift-aws-lambda-runtime.git", from: "2.0.0"),
                    ],
                    targets: [
                        /* first [ target */
                        .executableTarget(name: "A", path: "Sources/A]"), // the ) A
                        .executableTarget(
                            name: "Orders",
                            dependencies: [
                                .product(name: "AWSLambdaRuntime", package: "swift-aws-lambda-runtime")
                            ]
                        ),
                        .testTarget(name: "OrdersTests", dependencies: ["Orders"]),
                    ]
                )
                """)
    }

    @Test func addsACommaBeforeATrailingCommentAndFollowsTabsAndTwoSpaceIndentation() throws {
        let tabs = "let package = Package(\n\tname: \"p\",\n\ttargets: [\n\t\t.target(name: \"A\") // A\n\t]\n)\n"
        #expect(
            try ManifestEditor(tabs).adding(ManifestAdditions(targets: try additions(.extension).targets))
                == "let package = Package(\n\tname: \"p\",\n\ttargets: [\n\t\t.target(name: \"A\"), // A\n"
                + "\t\t.executableTarget(name: \"Orders\"),\n\t\t.testTarget(name: \"OrdersTests\", dependencies: [\"Orders\"])\n\t]\n)\n"
        )
        let twoSpaces = """
            let package = Package(
              name: "p",
              targets: [
                .target(
                  name: "A"
                ),
              ]
            )
            """
        #expect(
            try ManifestEditor(twoSpaces).adding(ManifestAdditions(targets: try additions(.extension).targets)) == """
                let package = Package(
                  name: "p",
                  targets: [
                    .target(
                      name: "A"
                    ),
                    .executableTarget(name: "Orders"),
                    .testTarget(
                      name: "OrdersTests",
                      dependencies: ["Orders"]
                    ),
                  ]
                )
                """)
    }

    @Test func fillsEmptyArraysAndOneLineCalls() throws {
        let empty = """
            let package = Package(
                name: "p",
                products: [],
                targets: [
                    // none yet
                ]
            )
            """
        #expect(
            try ManifestEditor(empty).adding(try additions(.extension)) == """
                let package = Package(
                    name: "p",
                    products: [
                        .executable(name: "orders", targets: ["Orders"]),
                    ],
                    targets: [
                        // none yet
                        .executableTarget(name: "Orders"),
                        .testTarget(
                            name: "OrdersTests",
                            dependencies: ["Orders"]
                        ),
                    ]
                )
                """)
        let oneLine = #"let package = Package(name: "p", targets: [.executableTarget(name: "A")])"#
        #expect(
            try ManifestEditor(oneLine).adding(try additions(.extension))
                == #"let package = Package(name: "p", products: [.executable(name: "orders", targets: ["Orders"])], targets: [.executableTarget(name: "A"), .executableTarget(name: "Orders"), .testTarget(name: "OrdersTests", dependencies: ["Orders"])])"#
        )
    }

    @Test func readsRawMultilineAndInterpolatedStringsWhole() throws {
        let manifest = ##"""
            let note = """
                a ] and a ( in a multi-line string
                """
            let package = Package(
                name: #"p"]"#,
                targets: [
                    .target(name: "A\("]")", path: "A"),
                ]
            )
            """##
        let edited = try ManifestEditor(manifest).adding(ManifestAdditions(targets: try additions(.extension).targets))
        #expect(
            edited.hasSuffix(
                """
                        .target(name: "A\\("]")", path: "A"),
                        .executableTarget(name: "Orders"),
                        .testTarget(name: "OrdersTests", dependencies: ["Orders"]),
                    ]
                )
                """))
    }

    @Test func refusesShapesItCannotEditSafely() throws {
        let cases: [(String, ManifestEditError)] = [
            (
                "let targets: [Target] = []\nlet package = Package(name: \"p\", targets: targets)\n",
                .notALiteralArray("targets")
            ),
            (
                "let package = Package(name: \"p\", targets: [.target(name: \"A\")] + more)\n",
                .notALiteralArray("targets")
            ),
            ("let package = Package(name: \"p\", products: products, targets: [])\n", .notALiteralArray("products")),
            ("let package = makePackage()\n", .noPackageCall),
            (
                "let a = Package(name: \"a\", targets: [])\nlet b = Package(name: \"b\", targets: [])\n",
                .severalPackageCalls(2)
            ),
            (
                "let package = Package(\n    name: \"p\",\n#if os(Linux)\n    targets: []\n#else\n    targets: []\n#endif\n)\n",
                .conditionalCompilation("#if")
            ),
            ("let package = Package(name: \"p\")\n", .missingTargets),
            ("let package = Package(name: \"p, targets: [])\n", .unterminated("a string literal")),
        ]
        for (manifest, expected) in cases {
            #expect(throws: expected) {
                try ManifestEditor(manifest).adding(try additions(.function))
            }
        }
        #expect(!ManifestEditError.notALiteralArray("targets").description.contains("\n"))
        // Only arrays that receive elements must be literals.
        let variableDependencies = "let package = Package(name: \"p\", dependencies: deps, targets: [])\n"
        #expect(throws: ManifestEditError.notALiteralArray("dependencies")) {
            try ManifestEditor(variableDependencies).adding(try additions(.function))
        }
        #expect(
            try ManifestEditor(variableDependencies).adding(try additions(.extension)).hasPrefix(
                #"let package = Package(name: "p", products: [.executable(name: "orders", targets: ["Orders"])], dependencies: deps, targets: ["#
            ))
    }
}

/// Every edited manifest above is one SwiftPM loads, with the new product and targets.
@Suite struct EditedManifestLoadingTests {
    static let manifests: [(TemplateKind, String)] = [
        (
            .extension,
            "let package = Package(\n    name: \"p\",\n    products: [\n        .executable(name: \"a\", targets: [\"A\"])\n    ],\n    targets: [\n        .executableTarget(name: \"A\")\n    ]\n)\n"
        ),
        (
            .function,
            "let package = Package(\n    name: \"p\", // ) comment\n    targets: [\n        /* [ */\n        .executableTarget(name: \"A\", path: \"Sources/A]\"), // ) A\n    ]\n)\n"
        ),
        (
            .http,
            "let package = Package(name: \"p\", products: [], dependencies: [], targets: [.executableTarget(name: \"A\"),])\n"
        ),
        (.extension, "let package = Package(\n\tname: \"p\",\n\ttargets: [\n\t\t.target(name: \"A\") // A\n\t]\n)\n"),
    ]

    @Test(arguments: manifests.indices)
    func swiftPMLoadsTheEditedManifest(index: Int) async throws {
        let (kind, manifest) = Self.manifests[index]
        let root = try TestSupport.temporaryDirectory("edited-\(index)")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let edited = try ManifestEditor(manifest).adding(try additions(kind))
        try TestSupport.write(
            [
                TemplateFile(
                    path: "Package.swift",
                    contents: "// swift-tools-version: 6.0\nimport PackageDescription\n\n" + edited)
            ],
            to: root)
        let dump = try await TestSupport.dump(root)
        #expect(dump.products.map(\.name).last == "orders")
        #expect(dump.targets.suffix(2).map(\.name) == ["Orders", "OrdersTests"])
        #expect(dump.dependencies.count == (kind == .extension ? 0 : kind == .http ? 2 : 1))
    }
}
