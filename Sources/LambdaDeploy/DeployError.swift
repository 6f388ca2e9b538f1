/// Deploy's own failures, each one line with what to do.
public enum DeployError: Error, Sendable, Equatable, CustomStringConvertible {
    case noSuchBucket(String)
    case noSuchLayer(String, region: String)
    case updateFailed(function: String, reason: String)
    case stillUpdating(function: String, seconds: Int)
    case noSuchFunction(String, region: String)
    case nothingToDeploy(lambdaDirectory: String)
    case functionError(String)
    /// Lambda keeps a function's package type for its life.
    case packageTypeDiffers(function: String, deployed: String, wanted: String)
    /// An image deploy with nowhere to push the image.
    case imageNeedsPush(function: String)
    /// Layers configured for an image function (Lambda refuses them).
    case layersOnImage(function: String, origin: String)
    /// Some functions or extensions could not be deployed (each already reported).
    case failed([String])

    public var description: String {
        switch self {
        case .noSuchBucket(let bucket):
            return "the S3 bucket '\(bucket)' (--s3-bucket) does not exist or these credentials cannot use it; create it in the function's region, or leave --s3-bucket out to use swift-lambda's own"
        case .noSuchLayer(let name, let region):
            return "no layer named '\(name)' in \(region); deploy the extension first (swift-lambda deploy \(name)) or give the layer version's ARN"
        case .updateFailed(let function, let reason):
            return "Lambda could not apply the update to \(function): \(reason)"
        case .stillUpdating(let function, let seconds):
            return "\(function) was still updating after \(seconds) s; deploy again once its update has finished"
        case .noSuchFunction(let name, let region):
            return "no function named '\(name)' in \(region); check the name and --region"
        case .nothingToDeploy(let directory):
            return "nothing to deploy in \(directory); run swift-lambda build --output-format zip first"
        case .functionError(let message):
            return message
        case .packageTypeDiffers(let function, let deployed, let wanted) where wanted == "Image":
            return
                "Lambda cannot change the package type of \(function) from \(deployed) to \(wanted); delete it first (swift-lambda delete \(function)), then deploy it with --image"
        case .packageTypeDiffers(let function, let deployed, let wanted):
            return
                "Lambda cannot change the package type of \(function) from \(deployed) to \(wanted); deploy it with --image, or delete it first (swift-lambda delete \(function))"
        case .imageNeedsPush(let function):
            return
                "\(function) is deployed as an image, which Lambda pulls from a registry; pass --push REGISTRY[/NAMESPACE] (an ECR repository such as ACCOUNT.dkr.ecr.REGION.amazonaws.com), or set push in [build]"
        case .layersOnImage(let function, let origin):
            return
                "\(function) is deployed as an image, and Lambda takes no layers for an image; remove layers (\(origin)) for it, or put the extension into the image"
        case .failed(let failures):
            return failures.count == 1 ? failures[0] : "\(failures.count) deploys failed: " + failures.joined(separator: "; ")
        }
    }
}
