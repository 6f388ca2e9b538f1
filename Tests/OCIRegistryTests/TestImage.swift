import Foundation
import LambdaTestSupport

@testable import OCIRegistry

/// A small real image made by Python (tarfile, gzip, hashlib: digests the code under test did not
/// compute) in a temporary directory, as the push gets it from the image writer: blobs as files.
struct TestImage {
    var directory: String
    var image: PushableImage
    /// Python's digest of the manifest bytes.
    var digest: String
    var config: PushableImage.Blob { image.blobs[0] }
    var layer: PushableImage.Blob { image.blobs[1] }

    /// `payload` bytes of random data make the layer about that large.
    static func make(seed: String = "one", payload: Int = 0) throws -> TestImage {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "swift-lambda-image-\(UUID().uuidString.prefix(8))"
        ).path
        let result = try TestCommand.run(
            try TestPython.interpreter(),
            ["\(TestPython.scriptsDirectory)/make_test_image.py", directory, seed]
                + (payload > 0 ? ["\(payload)"] : []),
            timeout: .seconds(60))
        guard result.status == 0,
            let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
            let manifestPath = object["manifest"] as? String, let mediaType = object["mediaType"] as? String,
            let digest = object["digest"] as? String, let blobs = object["blobs"] as? [[String: Any]],
            let manifest = FileManager.default.contents(atPath: manifestPath)
        else {
            throw TestToolError(
                description: "make_test_image.py failed: \(result.standardError)\(result.standardOutput)")
        }
        let pushable = blobs.map { blob in
            PushableImage.Blob(
                digest: blob["digest"] as? String ?? "", size: Int64(blob["size"] as? Int ?? -1),
                source: .file(blob["path"] as? String ?? ""))
        }
        return TestImage(
            directory: directory,
            image: PushableImage(manifest: .init(bytes: manifest, mediaType: mediaType), blobs: pushable),
            digest: digest)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    func bytes(_ blob: PushableImage.Blob) -> Data? {
        guard case .file(let path) = blob.source else { return nil }
        return FileManager.default.contents(atPath: path)
    }
}

/// skopeo, the independent client that reads pushed images back.
enum Skopeo {
    static let executable = "/usr/bin/skopeo"

    static func run(_ arguments: [String], home: String) throws -> CommandResult {
        // Its own HOME: no login of the developer's reaches it.
        try TestCommand.run(
            executable, ["--insecure-policy"] + arguments, environment: ["HOME": home, "PATH": "/usr/bin:/bin"],
            timeout: .seconds(120))
    }

    /// `skopeo inspect` of an image on a plain-HTTP registry, as JSON.
    static func inspect(_ reference: String, home: String) throws -> [String: Any] {
        let result = try run(["inspect", "--tls-verify=false", "docker://\(reference)"], home: home)
        guard result.status == 0,
            let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        else {
            throw TestToolError(description: "skopeo inspect \(reference) failed: \(result.standardError)")
        }
        return object
    }

    /// `skopeo copy` into an OCI layout at `directory`.
    static func copy(_ reference: String, toLayout directory: String, tag: String, home: String) throws {
        let result = try run(
            ["copy", "--src-tls-verify=false", "docker://\(reference)", "oci:\(directory):\(tag)"], home: home)
        guard result.status == 0 else {
            throw TestToolError(description: "skopeo copy \(reference) failed: \(result.standardError)")
        }
    }
}
