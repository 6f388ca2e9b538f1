/// HTTP or HTTPS to a registry. HTTPS unless the registry is on this machine or the user said
/// `--insecure-registry`: a push carries a password (or a token good for 12 hours on ECR) and the
/// image, and plain HTTP to another host would let anyone on the path read the one and change the
/// other. Loopback is allowed plainly, as Docker does, because local test registries
/// (`docker-registry`, `registry:2`) serve HTTP by default and nothing leaves the machine.
public enum RegistryScheme: String, Sendable, Hashable, CaseIterable {
    case https, http

    /// The scheme for `registry` (`host[:port]`): the one asked for (`requested`), else HTTP for
    /// loopback and `insecure`, else HTTPS. With `insecure` there is no TLS at all (not TLS
    /// without verification): the transport offers no unverified TLS, and a registry set up
    /// without certificates, the common case, speaks only HTTP.
    public static func choose(for registry: String, requested: RegistryScheme?, insecure: Bool) throws -> RegistryScheme
    {
        switch requested {
        case .https: return .https
        case .http:
            guard insecure || isLoopback(registry) else { throw RegistryError.plainHTTPRefused(host: registry) }
            return .http
        case nil:
            return insecure || isLoopback(registry) ? .http : .https
        }
    }

    /// `localhost`, `127.0.0.0/8` and `[::1]`, with or without a port.
    public static func isLoopback(_ registry: String) -> Bool {
        let host = RegistryHost.hostPart(of: registry).lowercased()
        if host == "localhost" || host == "[::1]" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) }
    }
}

/// What a registry's host name says about it.
public enum RegistryHost {
    /// `host` without `:port` (brackets of an IPv6 literal kept).
    public static func hostPart(of registry: String) -> String {
        if registry.hasPrefix("["), let close = registry.firstIndex(of: "]") { return String(registry[...close]) }
        return registry.split(separator: ":", maxSplits: 1).first.map(String.init) ?? registry
    }

    /// An Amazon ECR private registry: `<12 digits>.dkr.ecr.<region>.amazonaws.com` (or
    /// `.amazonaws.com.cn`). Its login comes from ECR's GetAuthorizationToken, in that region,
    /// for that account.
    public static func ecr(_ registry: String) -> (account: String, region: String)? {
        let labels = registry.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count == 6 || labels.count == 7 else { return nil }
        let account = labels[0]
        guard account.count == 12, account.allSatisfy(\.isASCIIDigit), labels[1] == "dkr", labels[2] == "ecr",
            labels[4] == "amazonaws", labels[5] == "com", labels.count == 6 || labels[6] == "cn"
        else { return nil }
        let region = labels[3]
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } }),
            parts.last!.allSatisfy(\.isASCIIDigit)
        else { return nil }
        return (String(account), String(region))
    }

    /// Docker Hub's names: images are pushed to `registry-1.docker.io`, and `docker login`
    /// stores the login under `https://index.docker.io/v1/`.
    static let dockerHubNames: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]

    /// The host the API is spoken to.
    static func apiHost(_ registry: String) -> String {
        dockerHubNames.contains(registry) ? "registry-1.docker.io" : registry
    }

    /// The key a Docker config file files `registry`'s login under, as `normalizedConfigKey` reads keys.
    static func configKey(_ registry: String) -> String {
        dockerHubNames.contains(registry) ? "index.docker.io" : registry.lowercased()
    }

    /// `https://host:port/v1/` and `host:port` both as `host:port` (lower-cased).
    static func normalizedConfigKey(_ key: String) -> String {
        var text = Substring(key.lowercased())
        for prefix in ["https://", "http://"] where text.hasPrefix(prefix) { text = text.dropFirst(prefix.count) }
        if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
        return dockerHubNames.contains(String(text)) ? "index.docker.io" : String(text)
    }
}
