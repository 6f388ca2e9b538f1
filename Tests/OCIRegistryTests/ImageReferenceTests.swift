import Testing

@testable import OCIRegistry

/// `--push REGISTRY[/NAMESPACE]` and the function name and tag made into an image reference,
/// checked against the distribution spec's grammar; the scheme rules; ECR's host names.
@Suite struct ImageReferenceTests {
    @Test(arguments: [
        ("127.0.0.1:5000", "127.0.0.1:5000", nil as String?, nil as RegistryScheme?),
        ("ghcr.io/acme", "ghcr.io", "acme", nil),
        (
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/team", "123456789012.dkr.ecr.us-east-1.amazonaws.com", "team",
            nil
        ),
        ("localhost/a/b-c__d.e---f", "localhost", "a/b-c__d.e---f", nil),
        ("Registry.Example.COM:443/team/", "registry.example.com:443", "team", nil),
        ("http://127.0.0.1:5000/ns", "127.0.0.1:5000", "ns", .http),
        ("https://ghcr.io", "ghcr.io", nil, .https),
        ("[::1]:5000/ns", "[::1]:5000", "ns", nil),
    ])
    func goodDestinations(text: String, registry: String, namespace: String?, scheme: RegistryScheme?) throws {
        let destination = try PushDestination.parse(text)
        #expect(destination.registry == registry)
        #expect(destination.namespace == namespace)
        #expect(destination.requestedScheme == scheme)
    }

    @Test(arguments: [
        (
            "Foo Bar",
            "--push 'Foo Bar': 'Foo Bar' is not a registry host; give HOST[:PORT][/NAMESPACE], e.g. 127.0.0.1:5000/team"
        ),
        ("", "--push '': no registry; give HOST[:PORT][/NAMESPACE], e.g. 127.0.0.1:5000/team"),
        (
            "acme",
            "--push 'acme': 'acme' is not a registry host (a host has a dot or a port, or is localhost); give HOST[:PORT][/NAMESPACE], e.g. 127.0.0.1:5000/team, or docker.io/acme for Docker Hub"
        ),
        (
            "127.0.0.1:99999/ns",
            "--push '127.0.0.1:99999/ns': '99999' is not a port (1 to 65535); give HOST[:PORT][/NAMESPACE], e.g. 127.0.0.1:5000/team"
        ),
        (
            "127.0.0.1:/ns",
            "--push '127.0.0.1:/ns': '' is not a port (1 to 65535); give HOST[:PORT][/NAMESPACE], e.g. 127.0.0.1:5000/team"
        ),
        (
            "-bad.example.com",
            "--push '-bad.example.com': '-bad.example.com' is not a registry host; give HOST[:PORT][/NAMESPACE], e.g. 127.0.0.1:5000/team"
        ),
        (
            "ghcr.io/Acme",
            "--push 'ghcr.io/Acme': 'Acme' is not a repository path component; use lower-case letters and digits, joined by '.', '_', '__' or dashes ([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)"
        ),
        (
            "ghcr.io/a//b",
            "--push 'ghcr.io/a//b': an empty path component (two '/' in a row); use lower-case letters and digits, joined by '.', '_', '__' or dashes ([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)"
        ),
        (
            "ghcr.io/a___b",
            "--push 'ghcr.io/a___b': 'a___b' is not a repository path component; use lower-case letters and digits, joined by '.', '_', '__' or dashes ([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)"
        ),
        (
            "ghcr.io/team.",
            "--push 'ghcr.io/team.': 'team.' is not a repository path component; use lower-case letters and digits, joined by '.', '_', '__' or dashes ([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)"
        ),
    ])
    func badDestinations(text: String, message: String) {
        do {
            _ = try PushDestination.parse(text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect("\(error)" == message)
            #expect(!"\(error)".contains("\n"))
        }
    }

    @Test(arguments: ["a", "ab", "a.b", "a_b", "a__b", "a-b", "a---b", "0", "a1.b2_c3__d4-e5"])
    func pathComponentsTheGrammarAllows(component: String) {
        #expect(ImageReference.isPathComponent(component))
    }

    @Test(arguments: ["", "A", "a_", "_a", "a..b", "a___b", "a.-b", "a-", "-a", "a/b", "a b", "é"])
    func pathComponentsTheGrammarRefuses(component: String) {
        #expect(!ImageReference.isPathComponent(component))
    }

    @Test func referenceIsRegistryNamespaceFunctionAndTag() throws {
        let destination = try PushDestination.parse("127.0.0.1:5000/team")
        #expect(try destination.reference(function: "orders").description == "127.0.0.1:5000/team/orders:latest")
        #expect(
            try destination.reference(function: "orders", tag: "v1.2_3-rc").description
                == "127.0.0.1:5000/team/orders:v1.2_3-rc")
        #expect(try PushDestination.parse("ghcr.io").reference(function: "x").description == "ghcr.io/x:latest")
    }

    /// Swift products are usually UpperCamelCase: lower-cased, not refused.
    @Test func upperCaseFunctionNamesAreLowerCased() throws {
        let reference = try PushDestination.parse("ghcr.io/acme").reference(function: "OrderHandler", tag: "Build_7")
        #expect(reference.repository == "acme/orderhandler")
        #expect(reference.tag == "Build_7")
    }

    @Test func aFunctionNameThatIsNoRepositoryNameEvenLowerCasedIsRefused() throws {
        let destination = try PushDestination.parse("ghcr.io/acme")
        do {
            _ = try destination.reference(function: "My Func")
            Issue.record("accepted")
        } catch {
            #expect(
                "\(error)".hasPrefix(
                    "function 'My Func' cannot name an image repository, even lower-cased ('my func');"))
            #expect("\(error)".hasSuffix(": rename the product"))
        }
    }

    @Test(arguments: [".v1", "-v1", "v 1", String(repeating: "a", count: 129), "", "v1:2", "ü"])
    func badTags(tag: String) throws {
        let destination = try PushDestination.parse("ghcr.io/acme")
        #expect(throws: ImageReferenceError.badTag(tag)) { try destination.reference(function: "x", tag: tag) }
        #expect(
            ImageReferenceError.badTag(tag).description.hasPrefix(
                "--image-tag '\(tag)': not an image tag; use up to 128 letters"))
    }

    @Test(arguments: ["_", "a", "A.b-C_d", String(repeating: "a", count: 128)])
    func goodTags(tag: String) {
        #expect(ImageReference.isTag(tag))
    }

    @Test func aNameOverTheLengthLimitIsRefused() throws {
        let long = String(repeating: "a", count: 250)
        #expect(throws: ImageReferenceError.self) {
            try PushDestination.parse("ghcr.io/\(long)").reference(function: "function")
        }
    }

    @Test func pinnedReferenceUsesTheDigest() throws {
        let reference = try ImageReference(registry: "ghcr.io", repository: "acme/x", tag: "v1")
        #expect(reference.pinned("sha256:abc") == "ghcr.io/acme/x@sha256:abc")
    }

    // MARK: - Scheme

    @Test(arguments: [
        "localhost", "localhost:5000", "127.0.0.1", "127.0.0.1:5000", "127.1.2.3:80", "[::1]", "[::1]:5000",
    ])
    func loopbackIsPlainHTTPByDefault(registry: String) throws {
        #expect(try RegistryScheme.choose(for: registry, requested: nil, insecure: false) == .http)
        #expect(try RegistryScheme.choose(for: registry, requested: .http, insecure: false) == .http)
        #expect(try RegistryScheme.choose(for: registry, requested: .https, insecure: false) == .https)
    }

    @Test(arguments: [
        "ghcr.io", "registry.example.com:5000", "10.0.0.5:5000", "127.0.0.1.example.com", "localhost.example.com",
    ])
    func otherHostsAreHTTPSUnlessInsecure(registry: String) throws {
        #expect(try RegistryScheme.choose(for: registry, requested: nil, insecure: false) == .https)
        #expect(try RegistryScheme.choose(for: registry, requested: nil, insecure: true) == .http)
        #expect(try RegistryScheme.choose(for: registry, requested: .http, insecure: true) == .http)
        #expect(try RegistryScheme.choose(for: registry, requested: .https, insecure: true) == .https)
        #expect(throws: RegistryError.plainHTTPRefused(host: registry)) {
            try RegistryScheme.choose(for: registry, requested: .http, insecure: false)
        }
        let message = RegistryError.plainHTTPRefused(host: registry).description
        #expect(message.contains("--insecure-registry") && message.contains(registry) && !message.contains("\n"))
    }

    // MARK: - ECR

    @Test func ecrHostsAreRecognised() {
        #expect(RegistryHost.ecr("123456789012.dkr.ecr.us-east-1.amazonaws.com")! == ("123456789012", "us-east-1"))
        #expect(RegistryHost.ecr("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn")! == ("123456789012", "cn-north-1"))
        #expect(RegistryHost.ecr("123456789012.DKR.ECR.eu-west-2.AMAZONAWS.COM")! == ("123456789012", "eu-west-2"))
        #expect(
            RegistryHost.ecr("123456789012.dkr.ecr.us-gov-west-1.amazonaws.com")! == ("123456789012", "us-gov-west-1"))
    }

    @Test(arguments: [
        "12345678901.dkr.ecr.us-east-1.amazonaws.com", "1234567890123.dkr.ecr.us-east-1.amazonaws.com",
        "12345678901a.dkr.ecr.us-east-1.amazonaws.com", "123456789012.dkr.ecr.us-east-1.amazonaws.org",
        "123456789012.dkr.ecr.amazonaws.com", "public.ecr.aws", "123456789012.dkr.ecr.us-east-1.amazonaws.com:443",
        "123456789012.dkr.ecr.us_east.amazonaws.com", "ghcr.io",
    ])
    func otherHostsAreNotECR(host: String) {
        #expect(RegistryHost.ecr(host) == nil)
    }
}
