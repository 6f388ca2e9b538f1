import BuildPlanner
import ELFKit
import LambdaChecks

/// The binary's ELF machine must be the target's architecture: the peers
/// ship wrong-architecture zips that fail only on Lambda.
enum ArchitectureCheck {
    static func verify(_ binary: String, product: String, target: LambdaTarget) throws {
        let header: ELFHeader
        do {
            header = try ELFHeader(contentsOf: binary)
        } catch let error as ELFError {
            throw BuildError.notALambdaBinary(product: product, path: binary, reason: error.description)
        }
        let expected = ELFMachine(target.architecture)
        guard header.machine == expected else {
            throw BuildError.wrongArchitecture(product: product, found: header.machine.description, target: target.description)
        }
    }
}
