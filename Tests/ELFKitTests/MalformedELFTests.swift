import ELFKit
import Foundation
import Testing

/// Broken files, each built from a real one by cutting or corrupting one
/// thing: every one must throw `ELFError` (the process would crash, failing
/// the whole run, if the reader trapped instead).
@Suite struct MalformedELFTests {
    static let sectionType = (dynamic: UInt32(6), dynsym: UInt32(11), verneed: UInt32(0x6fff_fffe))
    static let sectionType2 = (verdef: UInt32(0x6fff_fffd), versym: UInt32(0x6fff_ffff))

    func hello() throws -> [UInt8] { try Corpus.bytes("hello-x86_64") }
    func library() throws -> [UInt8] { try Corpus.bytes("libversioned.so.1") }

    func expectError(_ bytes: [UInt8], _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: ELFError.self, comment, sourceLocation: sourceLocation) { try ELFFile(bytes: bytes) }
    }

    @Test func rejectsWhatIsNotAnELFFile() {
        #expect(throws: ELFError.notELF) { try ELFFile(bytes: []) }
        #expect(throws: ELFError.notELF) { try ELFFile(bytes: [0x7F, 0x45, 0x4C]) }
        #expect(throws: ELFError.notELF) { try ELFFile(bytes: Array("#!/bin/sh\necho hi\n".utf8)) }
        #expect(throws: ELFError.notELF) { try ELFFile(bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) }
    }

    @Test func rejects32BitBigEndianAndUnknownEncodings() throws {
        var bytes = try hello()
        bytes[4] = 1
        #expect(throws: ELFError.unsupportedClass(bits: 32)) { try ELFFile(bytes: bytes) }
        bytes[4] = 2
        bytes[5] = 2
        #expect(throws: ELFError.bigEndian) { try ELFFile(bytes: bytes) }
        bytes[5] = 7
        expectError(bytes)
        bytes[5] = 1
        bytes[4] = 0
        expectError(bytes)
    }

    @Test func rejectsTruncationAtEachStructure() throws {
        let bytes = try hello()
        let sectionTable = Int(bytes.u64(at: 40))
        let dynamic = try TestSection.first(ofType: Self.sectionType.dynamic, in: bytes)
        let points = [
            ("header", 20), ("end of header", 64), ("program headers", 64 + 56 * 3 + 10),
            ("mid-dynamic", dynamic.offset + dynamic.size / 2), ("section headers", sectionTable + 64 * 5 + 7),
            ("last byte", bytes.count - 1),
        ]
        for (name, length) in points {
            #expect(throws: ELFError.self, "cut in \(name) at \(length)") {
                try ELFFile(bytes: Array(bytes.prefix(length)))
            }
        }
        // Without section headers, the dynamic segment itself is what is cut.
        let bare = try Corpus.bytes("hello-x86_64-nosections")
        expectError(Array(bare.prefix(dynamic.offset + 40)), "no section headers, cut mid-dynamic")
    }

    /// The section header table sits at the end, so every proper prefix
    /// loses part of it: each one must be refused, none may trap.
    @Test func rejectsEveryPrefixOfARealBinary() throws {
        let bytes = try hello()
        for length in 0..<bytes.count {
            do {
                _ = try ELFFile(bytes: Array(bytes.prefix(length)))
                Issue.record("a \(length)-byte prefix parsed")
            } catch is ELFError {
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func rejectsTablesPastTheEnd() throws {
        var bytes = try hello()
        bytes.put(UInt64(bytes.count + 1), at: 40)  // e_shoff
        expectError(bytes, "section headers past the end")
        bytes = try hello()
        bytes.put(UInt64.max - 10, at: 40)
        expectError(bytes, "section header offset near 2^64")
        bytes = try hello()
        bytes.put(UInt64(bytes.count - 8), at: 32)  // e_phoff
        expectError(bytes, "program headers past the end")
        bytes = try hello()
        let dynsym = try TestSection.first(ofType: Self.sectionType.dynsym, in: bytes)
        bytes.put(UInt64.max, at: dynsym.headerOffset + 24)  // sh_offset
        expectError(bytes, ".dynsym offset 2^64-1")
    }

    @Test func rejectsHugeEntryCounts() throws {
        var bytes = try hello()
        bytes.put(UInt16(0xff00), at: 60)  // e_shnum
        expectError(bytes, "e_shnum 0xff00")
        bytes = try hello()
        bytes.put(UInt16(0xfffe), at: 56)  // e_phnum
        expectError(bytes, "e_phnum 0xfffe")
        bytes = try hello()
        bytes.put(UInt16(0), at: 60)  // extended numbering: the count is section 0's sh_size
        bytes.put(UInt64.max, at: Int(bytes.u64(at: 40)) + 32)
        expectError(bytes, "extended section count 2^64-1")
        bytes = try hello()
        bytes.put(UInt16(0xffff), at: 56)  // PN_XNUM: the count is section 0's sh_info
        bytes.put(UInt32.max, at: Int(bytes.u64(at: 40)) + 44)
        expectError(bytes, "extended program header count 2^32-1")
        bytes = try hello()
        let verneed = try TestSection.first(ofType: Self.sectionType.verneed, in: bytes)
        bytes.put(UInt32.max, at: verneed.headerOffset + 44)  // sh_info: the entry count
        expectError(bytes, "4 billion version needs")
        bytes = try hello()
        let dynsym = try TestSection.first(ofType: Self.sectionType.dynsym, in: bytes)
        bytes.put(UInt64.max, at: dynsym.headerOffset + 32)  // sh_size
        expectError(bytes, ".dynsym of 2^64-1 bytes")
        var shared = try library()
        let verdef = try TestSection.first(ofType: Self.sectionType2.verdef, in: shared)
        shared.put(UInt32(0x0100_0000), at: verdef.headerOffset + 44)
        expectError(shared, "16 million version definitions")
    }

    @Test func rejectsEntriesSmallerThanTheirStructures() throws {
        var bytes = try hello()
        bytes.put(UInt16(8), at: 54)  // e_phentsize
        expectError(bytes)
        bytes = try hello()
        bytes.put(UInt16(0), at: 58)  // e_shentsize
        expectError(bytes)
    }

    @Test func rejectsIndicesOutOfRange() throws {
        var bytes = try hello()
        bytes.put(UInt16(0xfff0), at: 62)  // e_shstrndx
        expectError(bytes, "section name table index")
        bytes = try hello()
        let dynsym = try TestSection.first(ofType: Self.sectionType.dynsym, in: bytes)
        bytes.put(UInt32(0xffff), at: dynsym.headerOffset + 40)  // sh_link: its string table
        expectError(bytes, ".dynsym string table index")
        bytes = try hello()
        let dynamic = try TestSection.first(ofType: Self.sectionType.dynamic, in: bytes)
        bytes.put(UInt32(0), at: dynamic.headerOffset + 40)
        expectError(bytes, ".dynamic string table index 0")
        bytes = try hello()
        bytes.put(UInt64(0x7fff_ffff), at: dynamic.offset + 8)  // DT_NEEDED's string offset
        expectError(bytes, "DT_NEEDED string offset")
        bytes = try hello()
        bytes.put(UInt32(0x00ff_ffff), at: dynsym.offset + 24)  // symbol 1's st_name
        expectError(bytes, "symbol name offset")
    }

    @Test func rejectsUnterminatedStrings() throws {
        var bytes = try hello()
        let interpreterEnd = 0x2a8 + 0x1c - 1  // PT_INTERP's trailing NUL
        #expect(bytes[interpreterEnd] == 0)
        bytes[interpreterEnd] = 0x41
        expectError(bytes, "PT_INTERP without a NUL")
        bytes = try hello()
        let dynsym = try TestSection.first(ofType: Self.sectionType.dynsym, in: bytes)
        let dynstr = TestSection.all(in: bytes)[Int(bytes.u32(at: dynsym.headerOffset + 40))]
        bytes.replaceSubrange(
            dynstr.offset..<(dynstr.offset + dynstr.size), with: repeatElement(0x41, count: dynstr.size))
        expectError(bytes, ".dynstr without any NUL")
    }

    /// Version chain links are forward byte offsets; a link that would loop
    /// back under 32-bit wraparound points past the table instead, and two
    /// entries sharing one auxiliary chain are refused rather than re-walked.
    @Test func rejectsVersionChainsThatLoop() throws {
        let original = try library()
        let verneed = try TestSection.first(ofType: Self.sectionType.verneed, in: original)
        var bytes = original
        bytes.put(UInt32(0xffff_fff0), at: verneed.offset + 12)  // vn_next: "-16"
        expectError(bytes, "vn_next pointing backwards")
        bytes = original
        bytes.put(UInt32(0xffff_fff0), at: verneed.offset + 16 + 12)  // vna_next of the first auxiliary entry
        bytes.put(UInt16(2), at: verneed.offset + 2)  // vn_cnt, so the chain is followed
        expectError(bytes, "vna_next pointing backwards")
        bytes = original
        let secondAux = 16 + 16 + 16  // the second need's auxiliary entry, relative to the first need
        bytes.put(UInt32(secondAux), at: verneed.offset + 8)  // the first need's vn_aux
        expectError(bytes, "two needs sharing one auxiliary chain")
        let verdef = try TestSection.first(ofType: Self.sectionType2.verdef, in: original)
        bytes = original
        bytes.put(UInt32(0xffff_ffec), at: verdef.offset + 16)  // vd_next: "-20"
        expectError(bytes, "vd_next pointing backwards")
    }

    /// A chain that ends early (`vn_next` = 0 before `sh_info` entries) is
    /// how real files end too: the entries read so far are kept.
    @Test func aChainEndingEarlyKeepsWhatWasRead() throws {
        var bytes = try library()
        let verneed = try TestSection.first(ofType: Self.sectionType.verneed, in: bytes)
        bytes.put(UInt32(0), at: verneed.offset + 12)  // vn_next of the first need
        let file = try ELFFile(bytes: bytes)
        #expect(file.versionNeeds.map(\.library) == ["libm.so.6"])
        #expect(file.dynamicSymbols.first { $0.name == "printf" }?.version == nil)
    }

    @Test func aStringTableOccupyingNoBytesIsAnError() throws {
        var bytes = try hello()
        let dynsym = try TestSection.first(ofType: Self.sectionType.dynsym, in: bytes)
        let dynstr = TestSection.all(in: bytes)[Int(bytes.u32(at: dynsym.headerOffset + 40))]
        bytes.put(UInt32(8), at: dynstr.headerOffset + 4)  // SHT_NOBITS, like .bss
        expectError(bytes)
    }
}
