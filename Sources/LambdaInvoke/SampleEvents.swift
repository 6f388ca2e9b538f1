import Foundation

/// `invoke --data-example NAME`: events for the common triggers, in the shapes AWS documents
/// them (API Gateway HTTP and REST APIs, function URLs, SQS, SNS, S3, EventBridge, DynamoDB
/// Streams, Kinesis, SES, scheduled events, ALB), shipped as resources so they are read and
/// changed as JSON files.
public enum SampleEvents {
    /// What each example is, for `--data-example list`.
    public static let descriptions: [String: String] = [
        "alb": "Application Load Balancer request",
        "apigateway-http": "API Gateway HTTP API request (payload format 2.0)",
        "apigateway-rest": "API Gateway REST API proxy request (payload format 1.0)",
        "cloudwatch-scheduled": "EventBridge (CloudWatch Events) scheduled event",
        "dynamodb-stream": "DynamoDB Streams records (INSERT, MODIFY)",
        "eventbridge": "EventBridge custom event",
        "function-url": "Lambda function URL request (payload format 2.0)",
        "kinesis": "Kinesis Data Streams record (base64 data)",
        "s3": "S3 ObjectCreated:Put notification",
        "ses": "SES received email",
        "sns": "SNS notification",
        "sqs": "SQS message",
    ]

    public static var names: [String] { descriptions.keys.sorted() }

    /// `list`'s lines: each name and what it is.
    public static func listing() -> [String] {
        let width = names.map(\.count).max() ?? 0
        return names.map { $0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + (descriptions[$0] ?? "") }
    }

    /// The names of the files shipped, to check them against `descriptions`.
    static func shippedNames() -> [String] {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("Events"),
            let files = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [] }
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The event's bytes; an unknown name is an error listing the examples.
    public static func event(_ name: String) throws(InvokeError) -> [UInt8] {
        guard descriptions[name] != nil,
            let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Events"),
            let data = try? Data(contentsOf: url)
        else {
            throw .unknownDataExample(name, available: names)
        }
        return Array(data)
    }
}
