public import Archiver
import BuildPlanner
import ELFKit
import Foundation
public import LambdaChecks
import LambdaSupport

/// The architectures Lambda runs, by the names its API uses (`Architectures`,
/// `CompatibleArchitectures`).
public enum LambdaArchitecture: String, Sendable, Equatable, CaseIterable {
    case x86_64
    case arm64
}

/// One artifact ready to upload: the zip whose bytes go to Lambda and what the deploy decides
/// from them (the hash to compare with the deployed `CodeSha256`, the architecture, whether it
/// goes through S3). A zip made here (from a directory `build` wrote without one) lives under
/// a staging name in the lambda directory until `removeTemporary()`.
public struct DeployZip: Sendable, Equatable {
    public var name: String
    public var kind: DeployableArtifact.Kind
    /// The zip to upload, its size and SHA-256.
    public var zip: ZipSummary
    /// True when the zip was made for this deploy and is removed afterwards.
    public var isTemporary: Bool
    /// What the zip unpacks to (the files' bytes), as Lambda counts its 250 MB.
    public var unzippedBytes: Int64
    /// From the ELF header of the bootstrap (or the extension's executable), never guessed.
    public var architecture: LambdaArchitecture

    public init(
        name: String, kind: DeployableArtifact.Kind, zip: ZipSummary, isTemporary: Bool, unzippedBytes: Int64,
        architecture: LambdaArchitecture
    ) {
        self.name = name
        self.kind = kind
        self.zip = zip
        self.isTemporary = isTemporary
        self.unzippedBytes = unzippedBytes
        self.architecture = architecture
    }

    /// Lambda's `CodeSha256` for these bytes: base64 of the SHA-256, so an unchanged function is
    /// known without uploading.
    public var codeSha256: String { zip.sha256Base64 }

    /// Over Lambda's 50 MB direct-upload limit: the zip must go through S3 (`S3Bucket`/`S3Key`).
    public var requiresS3Upload: Bool { zip.size > LambdaLimits.directUploadZipBytes }

    /// Removes a zip made for this deploy; a zip `build` wrote is never touched.
    public func removeTemporary() {
        if isTemporary { try? FileSystem.removeItem(zip.path) }
    }
}

extension DeployArtifacts {
    /// Makes every artifact ready, all or nothing. First every function's unzipped size is
    /// measured (from the zip's entries, or the files of its directory) and one over
    /// `unzippedLimit` (Lambda's 250 MB; smaller in tests) is refused before any zip is made or
    /// anything else happens; then each architecture is read; then the zips `build` did not write
    /// are made, through the writer `build` uses, with `zipOptions` (build's:
    /// `ZipOptions.deterministic(environment:)`, so `SOURCE_DATE_EPOCH` gives the same bytes).
    /// On an error the zips made so far are removed.
    public static func prepare(
        _ artifacts: [DeployableArtifact], in lambdaDirectory: String, zipOptions: ZipOptions,
        unzippedLimit: Int64 = LambdaLimits.unzippedBytes
    ) throws -> [DeployZip] {
        let plans = try artifacts.map { try ZipPlan(for: $0, in: lambdaDirectory) }
        let sizes = try plans.map { try $0.unzippedBytes() }
        for (artifact, size) in zip(artifacts, sizes) where artifact.kind == .function && size > unzippedLimit {
            throw DeployArtifactError.tooLarge(name: artifact.name, bytes: size, limit: unzippedLimit)
        }
        let architectures = try artifacts.map { try architecture(of: $0) }
        var prepared: [DeployZip] = []
        do {
            for (index, plan) in plans.enumerated() {
                let (summary, isTemporary) = try plan.zip(in: lambdaDirectory, options: zipOptions)
                prepared.append(
                    DeployZip(
                        name: artifacts[index].name, kind: artifacts[index].kind, zip: summary,
                        isTemporary: isTemporary,
                        unzippedBytes: sizes[index], architecture: architectures[index]))
            }
        } catch {
            prepared.forEach { $0.removeTemporary() }
            throw error
        }
        return prepared
    }

    /// `prepare`, then `body`, then the temporary zips removed, whatever `body` does.
    public static func withZips<T>(
        _ artifacts: [DeployableArtifact], in lambdaDirectory: String, zipOptions: ZipOptions,
        unzippedLimit: Int64 = LambdaLimits.unzippedBytes, _ body: ([DeployZip]) async throws -> T
    ) async throws -> T {
        let zips = try prepare(artifacts, in: lambdaDirectory, zipOptions: zipOptions, unzippedLimit: unzippedLimit)
        defer { zips.forEach { $0.removeTemporary() } }
        return try await body(zips)
    }

    /// Lambda's name for the machine of `artifact`'s executable, from its ELF header alone.
    static func architecture(of artifact: DeployableArtifact) throws -> LambdaArchitecture {
        let path = artifact.executable
        guard FileSystem.kind(of: path, followingSymlinks: true) == .file else {
            throw DeployArtifactError.executableMissing(name: artifact.name, path: path)
        }
        let header: ELFHeader
        do {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw DeployArtifactError.architectureUnreadable(path: path, reason: "it cannot be opened")
            }
            defer { try? handle.close() }
            header = try ELFHeader(bytes: [UInt8](try handle.read(upToCount: 64) ?? Data()))
        } catch let error as DeployArtifactError {
            throw error
        } catch {
            throw DeployArtifactError.architectureUnreadable(path: path, reason: "\(error)")
        }
        // ELFKit names the machines Lambda runs as Lambda does; any other is "machine N".
        guard let architecture = LambdaArchitecture(rawValue: header.machine.description) else {
            throw DeployArtifactError.unsupportedArchitecture(path: path, machine: header.machine.description)
        }
        return architecture
    }
}
