import ELFKit
import Foundation
import Testing

/// SplitMix64: tiny, fast and fully determined by its seed, so a failing
/// mutation is reproduced by rerunning with the same seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Property: whatever is done to a real ELF file, `ELFFile(bytes:)` returns a
/// value or throws `ELFError`; it never traps. The mutations aim at the
/// structures the reader trusts least: header fields, the program and
/// section header tables, and the dynamic and version tables they point to.
///
/// Seeded and bounded (runs in a few seconds). Set `ELFKIT_MUTATION_SEED` to
/// explore other seeds, and `ELFKIT_MUTATION_LAST=/path` to have each mutant
/// written there before it is parsed: after a crash, that file is the input
/// to minimise and add to the corpus.
@Suite struct ELFMutationTests {
    static let iterationsPerFile = 3000
    static let seed =
        ProcessInfo.processInfo.environment["ELFKIT_MUTATION_SEED"].flatMap { UInt64($0) }
        ?? 0x5EED_E1F0_2026_0005
    static let lastInputPath = ProcessInfo.processInfo.environment["ELFKIT_MUTATION_LAST"]

    /// Values that sit on the edges the reader checks.
    static let interesting: [UInt64] = [
        0, 1, 2, 7, 8, 15, 16, 20, 24, 56, 63, 64, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfeff, 0xff00, 0xffff,
        0x1_0000, 0x7fff_ffff, 0x8000_0000, 0xffff_fff0, 0xffff_ffff, 0x1_0000_0000, 0x7fff_ffff_ffff_ffff,
        0x8000_0000_0000_0000, 0xffff_ffff_ffff_fff0, UInt64.max,
    ]

    @Test func mutatedCorpusFilesParseOrThrow() throws {
        let files = try Corpus.elfFiles()
        try #require(files.count >= 3, "the corpus is missing")
        var random = SplitMix64(state: Self.seed)
        var parsed = 0
        var rejected = 0
        for (name, original) in files {
            let targets = Self.targets(in: original)
            for iteration in 0..<Self.iterationsPerFile {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    Self.mutate(&bytes, targets: targets, using: &random)
                }
                if let path = Self.lastInputPath {
                    try Data(bytes).write(to: URL(fileURLWithPath: path))
                }
                do {
                    _ = try ELFFile(bytes: bytes)
                    parsed += 1
                } catch is ELFError {
                    rejected += 1
                } catch {
                    Issue.record("\(name) mutation \(iteration) (seed \(Self.seed)) threw \(error)")
                }
            }
        }
        // Both outcomes must be common, or the mutations test nothing.
        #expect(parsed > files.count * Self.iterationsPerFile / 20, "parsed \(parsed), rejected \(rejected)")
        #expect(rejected > files.count * Self.iterationsPerFile / 20, "parsed \(parsed), rejected \(rejected)")
    }

    /// Byte ranges worth corrupting in `bytes`: the header, the two header
    /// tables and every section's contents, as the unmutated file lays out.
    static func targets(in bytes: [UInt8]) -> [Range<Int>] {
        guard bytes.count >= 64 else { return [0..<bytes.count] }
        var ranges = [0..<64]
        let programTable = Int(clamping: bytes.u64(at: 32))
        let programSize = Int(bytes.u16(at: 54)) * Int(bytes.u16(at: 56))
        if programSize > 0, programSize <= bytes.count, programTable <= bytes.count - programSize {
            ranges.append(programTable..<(programTable + programSize))
        }
        let sections = TestSection.all(in: bytes)
        if let first = sections.first {
            ranges.append(first.headerOffset..<(first.headerOffset + sections.count * 64))
        }
        for section in sections where section.size > 0 && section.type != 8 && section.isInside(bytes) {
            ranges.append(section.offset..<(section.offset + section.size))
        }
        return ranges
    }

    static func mutate(_ bytes: inout [UInt8], targets: [Range<Int>], using random: inout SplitMix64) {
        guard !bytes.isEmpty else {
            bytes = [UInt8.random(in: 0...255, using: &random)]
            return
        }
        let target = targets.randomElement(using: &random) ?? 0..<bytes.count
        let inTarget = target.clamped(to: 0..<bytes.count)
        let position =
            inTarget.isEmpty
            ? Int.random(in: 0..<bytes.count, using: &random) : Int.random(in: inTarget, using: &random)
        switch Int.random(in: 0..<8, using: &random) {
        case 0:  // flip one bit
            bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        case 1:  // a random byte
            bytes[position] = UInt8.random(in: 0...255, using: &random)
        case 2, 3:  // an edge value written as a 2-, 4- or 8-byte field
            let value = interesting.randomElement(using: &random) ?? 0
            let width = [2, 4, 8].randomElement(using: &random) ?? 8
            for index in 0..<width where position + index < bytes.count {
                bytes[position + index] = UInt8(truncatingIfNeeded: value >> (8 * index))
            }
        case 4:  // a small delta to a field (off-by-one offsets and counts)
            let delta = UInt8.random(in: 1...3, using: &random)
            bytes[position] = Bool.random(using: &random) ? bytes[position] &+ delta : bytes[position] &- delta
        case 5:  // cut the file
            bytes.removeSubrange(Int.random(in: 0..<bytes.count, using: &random)...)
        case 6:  // insert garbage, shifting everything after it
            let garbage = (0..<Int.random(in: 1...32, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            bytes.insert(contentsOf: garbage, at: position)
        default:  // copy a run of bytes from elsewhere in the file (plausible values)
            let source = Int.random(in: 0..<bytes.count, using: &random)
            let length = min(Int.random(in: 1...16, using: &random), bytes.count - source, bytes.count - position)
            let run = Array(bytes[source..<(source + length)])
            bytes.replaceSubrange(position..<(position + length), with: run)
        }
    }
}
