import Foundation
import LambdaSupport

/// A profile's credentials, in botocore's order within it: `role_arn` (AssumeRole from a source,
/// or web identity with `web_identity_token_file`), then the credentials file's keys, then
/// `credential_process`, then keys in the config file.
extension CredentialChain {
    /// nil when the profile holds nothing to get credentials from; `via` is the chain of
    /// profiles that led here through `source_profile`, for loop detection.
    func profileCredentials(_ profile: AWSSharedConfig.Profile, config: AWSSharedConfig, via: [String]) async throws
        -> AWSCredentials?
    {
        let source = "profile \(profile.name)"
        if let roleARN = profile["role_arn"] {
            if let tokenFile = profile["web_identity_token_file"] {
                return try await webIdentity(
                    roleARN: roleARN, tokenFile: tokenFile, sessionName: profile["role_session_name"], source: source)
            }
            return try await assumeRole(profile, roleARN: roleARN, config: config, via: via)
        }
        return try await sourceCredentials(profile, config: config)
    }

    /// What a profile gives without assuming a role: keys or `credential_process`.
    func sourceCredentials(_ profile: AWSSharedConfig.Profile, config: AWSSharedConfig) async throws -> AWSCredentials? {
        if let keys = try staticKeys(profile.credentialsFile, profile: profile.name, path: config.credentialsPath) { return keys }
        if let command = profile["credential_process"] { return try await processCredentials(command, profile: profile.name) }
        if let keys = try staticKeys(profile.configFile, profile: profile.name, path: config.configPath) { return keys }
        if profile["sso_session"] != nil || profile["sso_start_url"] != nil {
            throw AWSError.credentialSource(
                source: "profile \(profile.name)",
                reason: "it is an IAM Identity Center (SSO) profile, which swift-lambda does not log in to; add 'credential_process = aws configure export-credentials --profile \(profile.name) --format process' to it after 'aws sso login'")
        }
        return nil
    }

    func staticKeys(_ section: [String: String], profile: String, path: String) throws -> AWSCredentials? {
        try Self.keyPair(
            ("aws_access_key_id", section["aws_access_key_id"]), ("aws_secret_access_key", section["aws_secret_access_key"]),
            token: section["aws_session_token"], source: "profile \(profile) in \(path)")
    }

    /// STS AssumeRole, signed with what `source_profile` or `credential_source` gives.
    func assumeRole(_ profile: AWSSharedConfig.Profile, roleARN: String, config: AWSSharedConfig, via: [String]) async throws
        -> AWSCredentials
    {
        let source = "profile \(profile.name)"
        if profile["mfa_serial"] != nil {
            throw AWSError.credentialSource(
                source: source,
                reason: "its role needs an MFA code (mfa_serial), which swift-lambda cannot prompt for; get session credentials first (aws sts get-session-token) and export them")
        }
        let base: AWSCredentials
        switch (profile["source_profile"], profile["credential_source"]) {
        case (nil, nil):
            throw AWSError.credentialSource(source: source, reason: "role_arn needs source_profile or credential_source; add one")
        case (_?, _?):
            throw AWSError.credentialSource(source: source, reason: "it has both source_profile and credential_source; keep one")
        case (let name?, nil):
            base = try await sourceProfileCredentials(name, of: profile.name, config: config, via: via)
        case (nil, let kind?):
            base = try await namedSourceCredentials(kind, profile: profile.name)
        }
        var duration: Int?
        if let text = profile["duration_seconds"] {
            guard let seconds = Int(text), seconds > 0 else {
                throw AWSError.credentialSource(source: source, reason: "duration_seconds '\(text)' is not a whole number of seconds")
            }
            duration = seconds
        }
        trace?("credentials: assuming \(roleARN) for profile \(profile.name) with \(base)")
        return try await sts(signedWith: base).assumeRole(
            arn: roleARN, sessionName: profile["role_session_name"] ?? defaultSessionName, externalID: profile["external_id"],
            durationSeconds: duration, source: "profile \(profile.name) (role \(roleARN))")
    }

    /// botocore's reading of a source profile: its own keys first (so a profile may name itself),
    /// else its other sources when it assumes no role, else its role, assumed in turn.
    func sourceProfileCredentials(_ name: String, of referrer: String, config: AWSSharedConfig, via: [String]) async throws
        -> AWSCredentials
    {
        let path = via + [referrer]
        guard let profile = config.profile(name) else {
            throw AWSError.credentialSource(
                source: "profile \(referrer)",
                reason: "its source_profile '\(name)' is not in \(config.credentialsPath) or \(config.configPath)")
        }
        if let keys = try staticKeys(profile.credentialsFile, profile: name, path: config.credentialsPath)
            ?? staticKeys(profile.configFile, profile: name, path: config.configPath)
        {
            return keys
        }
        if path.contains(name) {
            throw AWSError.credentialSource(
                source: "profile \(path[0])",
                reason: "its source_profile chain loops (\((path + [name]).joined(separator: " -> "))); end it at a profile with keys")
        }
        if let roleARN = profile["role_arn"], profile["web_identity_token_file"] == nil {
            return try await assumeRole(profile, roleARN: roleARN, config: config, via: path)
        }
        guard let found = try await profileCredentials(profile, config: config, via: path) else {
            throw AWSError.credentialSource(
                source: "profile \(referrer)", reason: "its source_profile '\(name)' has no credentials; give it keys or a credential_process")
        }
        return found
    }

    /// `credential_source`: where a profile's role gets the credentials it is assumed with.
    func namedSourceCredentials(_ kind: String, profile: String) async throws -> AWSCredentials {
        let source = "profile \(profile)"
        let found: AWSCredentials?
        switch kind {
        case "Environment":
            found = try environmentCredentials()
        case "EcsContainer":
            found = try await containerCredentials()
        case "Ec2InstanceMetadata":
            if case .found(let credentials) = await instanceMetadataCredentials() { found = credentials } else { found = nil }
        default:
            throw AWSError.credentialSource(
                source: source, reason: "credential_source '\(kind)' is not one of Environment, EcsContainer, Ec2InstanceMetadata")
        }
        guard let found else {
            throw AWSError.credentialSource(source: source, reason: "its credential_source \(kind) has no credentials")
        }
        return found
    }

    // MARK: - Web identity

    /// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`).
    func webIdentityFromEnvironment() async throws -> AWSCredentials? {
        guard let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"].nonEmpty else { return nil }
        guard let roleARN = environment["AWS_ROLE_ARN"].nonEmpty else {
            throw AWSError.credentialSource(
                source: "web identity", reason: "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the role to assume")
        }
        return try await webIdentity(
            roleARN: roleARN, tokenFile: tokenFile, sessionName: environment["AWS_ROLE_SESSION_NAME"].nonEmpty,
            source: "web identity")
    }

    /// STS AssumeRoleWithWebIdentity (unsigned: the token is the credential), the token read anew
    /// each time, as it rotates.
    func webIdentity(roleARN: String, tokenFile: String, sessionName: String?, source: String) async throws -> AWSCredentials {
        let token = try readText(expand(tokenFile), source: source, what: "the web identity token file")
        trace?("credentials: assuming \(roleARN) with the web identity token in \(expand(tokenFile))")
        return try await sts(signedWith: nil).assumeRoleWithWebIdentity(
            arn: roleARN, sessionName: sessionName ?? defaultSessionName, token: token, source: "\(source) (role \(roleARN))")
    }

    // MARK: - credential_process

    /// Runs the profile's command, split as the AWS CLI splits it (POSIX shell words, no shell),
    /// and reads its `Version: 1` JSON.
    func processCredentials(_ command: String, profile: String) async throws -> AWSCredentials {
        let source = "credential_process of profile \(profile)"
        let words: [String]
        do {
            words = try ShellWords.split(command)
        } catch {
            throw AWSError.credentialSource(source: source, reason: "'\(command)' \(error.reason); fix its quoting")
        }
        guard let program = words.first else { throw AWSError.credentialSource(source: source, reason: "the command is empty") }
        let invocation = Invocation(
            executable: expand(program), arguments: Array(words.dropFirst()),
            environment: environment.mapValues { Optional($0) })
        let output: CapturedOutput
        do {
            output = try await runner.capture(invocation)
        } catch ProcessError.failed(_, let status, let signal, let standardError) {
            let verdict = status.map { "exited with status \($0)" } ?? "was killed by signal \(signal ?? 0)"
            let firstLine = standardError.trimmingWhitespace.split(whereSeparator: \.isNewline).first.map { ": \($0)" } ?? ""
            throw AWSError.credentialSource(source: source, reason: "\(program) \(verdict)\(firstLine)")
        } catch let error as ProcessError {
            throw AWSError.credentialSource(source: source, reason: "\(error)")
        }
        let data = Data(output.standardOutput)
        if let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] {
            let version = object["Version"] as? Int
            guard version == 1 else {
                throw AWSError.credentialSource(
                    source: source, reason: "\(program) printed Version \(version.map(String.init) ?? "(none)"); only Version 1 is read")
            }
        }
        do {
            return try TemporaryCredentialsJSON.parse(data, tokenKeys: ["SessionToken"]).credentials(source: "profile \(profile) (credential_process)")
        } catch {
            throw AWSError.credentialSource(source: source, reason: "\(program) printed something unreadable: \(error.reason)")
        }
    }
}

/// `shlex.split` in POSIX mode, which the AWS CLI applies to `credential_process`: blanks split
/// words, single quotes keep everything, double quotes keep all but `\"` and `\\`, a backslash
/// outside quotes keeps the next character. No expansion of any kind: nothing reaches a shell.
enum ShellWords {
    struct Unbalanced: Error {
        var reason: String
    }

    static func split(_ line: String) throws(Unbalanced) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        let characters = Array(line)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if let open = quote {
                if character == open {
                    quote = nil
                } else if open == "\"", character == "\\", let next, next == "\"" || next == "\\" {
                    word.append(next)
                    index += 1
                } else {
                    word.append(character)
                }
            } else if character == " " || character == "\t" || character.isNewline {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == "\\" {
                guard let next else { throw Unbalanced(reason: "ends with a lone backslash") }
                word.append(next)
                inWord = true
                index += 1
            } else {
                word.append(character)
                inWord = true
            }
            index += 1
        }
        if let quote { throw Unbalanced(reason: "has an unclosed \(quote)") }
        if inWord { words.append(word) }
        return words
    }
}
