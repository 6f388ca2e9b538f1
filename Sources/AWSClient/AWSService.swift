public import Foundation

/// The services deploy talks to (and ECR, for pushing container images), with what signing and
/// endpoint lookup need of each.
public enum AWSService: String, Sendable, CaseIterable {
    case lambda, iam, sts, s3, ecr

    /// The signing name (`service` in the credential scope).
    public var signingName: String { rawValue }

    /// `AWS_ENDPOINT_URL_<ID>`, the SDKs' service-specific endpoint variable.
    public var endpointVariable: String { "AWS_ENDPOINT_URL_\(rawValue.uppercased())" }
}

/// Where requests go: `--endpoint-url`, else `AWS_ENDPOINT_URL_<SERVICE>`, else
/// `AWS_ENDPOINT_URL` (the SDKs' variables, so LocalStack and moto work), else the profile's
/// `endpoint_url`, else AWS's own host for the region and its partition.
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` drops the variables and the profile's, as in the SDKs.
public struct AWSEndpoints: Sendable, Equatable {
    public var region: String
    /// `--endpoint-url`: every service.
    public var override: URL?
    public var environment: [String: String]
    /// The profile's `endpoint_url` (config file): every service, below the variables.
    public var configured: URL?

    public init(region: String, override: URL? = nil, environment: [String: String] = [:], configured: URL? = nil) {
        self.region = region
        self.override = override
        self.environment = environment
        self.configured = configured
    }

    var ignoresConfigured: Bool { environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true" }

    public func url(for service: AWSService) -> URL {
        if let override { return override }
        if !ignoresConfigured {
            for variable in [service.endpointVariable, "AWS_ENDPOINT_URL"] {
                if let value = environment[variable], !value.isEmpty, let url = URL(string: value) { return url }
            }
            if let configured { return configured }
        }
        let suffix = Self.dnsSuffix(region)
        switch service {
        case .iam:
            let host = region.hasPrefix("cn-") ? "iam.cn-north-1.\(suffix)" : region.hasPrefix("us-gov-") ? "iam.us-gov.\(suffix)" : "iam.\(suffix)"
            return URL(string: "https://\(host)")!
        case .ecr:
            // ECR's API lives under `api.ecr.`; `ecr.<region>` is also answered, but the SDKs use this one.
            return URL(string: "https://api.ecr.\(region).\(suffix)")!
        default:
            return URL(string: "https://\(service.rawValue).\(region).\(suffix)")!
        }
    }

    /// Whether the service's endpoint was set by the user (then the region in it is not AWS's).
    public func isCustom(_ service: AWSService) -> Bool {
        override != nil
            || (!ignoresConfigured
                && (configured != nil || [service.endpointVariable, "AWS_ENDPOINT_URL"].contains { !(environment[$0] ?? "").isEmpty }))
    }

    /// IAM is global: signed for its partition's home region.
    public func signingRegion(for service: AWSService) -> String {
        guard service == .iam, !isCustom(.iam) else { return region }
        return region.hasPrefix("cn-") ? "cn-north-1" : region.hasPrefix("us-gov-") ? "us-gov-west-1" : "us-east-1"
    }

    /// The partition of an ARN built for this region.
    public var partition: String { region.hasPrefix("cn-") ? "aws-cn" : region.hasPrefix("us-gov-") ? "aws-us-gov" : "aws" }

    static func dnsSuffix(_ region: String) -> String { region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com" }
}

/// Region names: AWS's published list, for a typo's suggestion; a well-formed name not in it
/// (a region newer than this list) is still used.
public enum AWSRegions {
    public static let known = [
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
        "ca-central-1", "ca-west-1", "cn-north-1", "cn-northwest-1", "eu-central-1", "eu-central-2", "eu-north-1",
        "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
        "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2",
    ]

    /// `xx-name-N` (with `-gov` and the like): anything else cannot be a region.
    public static func isWellFormed(_ region: String) -> Bool {
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, !last.isEmpty, last.allSatisfy(\.isNumber) else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLowercase } }
    }
}
