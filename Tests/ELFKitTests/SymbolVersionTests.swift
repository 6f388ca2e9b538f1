import ELFKit
import Testing

@Suite struct SymbolVersionTests {
    @Test(arguments: [
        ("GLIBC_2.34", "GLIBC", [2, 34]),
        ("GLIBC_2.2.5", "GLIBC", [2, 2, 5]),
        ("GLIBCXX_3.4.29", "GLIBCXX", [3, 4, 29]),
        ("CXXABI_1.3.13", "CXXABI", [1, 3, 13]),
        ("GCC_7.0.0", "GCC", [7, 0, 0]),
        ("LIBSELINUX_1.0", "LIBSELINUX", [1, 0]),
        ("CXXABI_TM_1", "CXXABI_TM", [1]),  // the prefix ends at the last underscore
        ("VERS_2", "VERS", [2]),
    ])
    func parses(_ string: String, prefix: String, numbers: [Int]) throws {
        let version = try #require(SymbolVersion(string))
        #expect(version.prefix == prefix)
        #expect(version.numbers == numbers)
        #expect(version.description == string)
    }

    @Test(arguments: [
        "", "GLIBC", "GLIBC_", "GLIBC_PRIVATE", "_2.34", "GLIBC_2.", "GLIBC_.2", "GLIBC_2..3", "GLIBC_+2.3",
        "GLIBC_2.-3", "GLIBC_2.3a", "GLIBC_ 2.3", "GLIBC_2.99999999999999999999999", "libc.so.6", "GLIBC_٣.٤",
    ])
    func rejects(_ string: String) {
        #expect(SymbolVersion(string) == nil)
    }

    @Test func comparesNumbersAsNumbers() throws {
        let ordered = ["GLIBC_2.2", "GLIBC_2.2.5", "GLIBC_2.3", "GLIBC_2.9", "GLIBC_2.17", "GLIBC_2.34", "GLIBC_3"]
        let versions = try ordered.map { try #require(SymbolVersion($0)) }
        #expect(versions.sorted() == versions)
        #expect(versions.shuffled().sorted() == versions)
        for (lower, higher) in zip(versions, versions.dropFirst()) {
            #expect(lower < higher)
            #expect(!(higher < lower))
        }
        #expect(SymbolVersion("GLIBC_2.9")! < SymbolVersion("GLIBC_2.34")!)
        #expect(SymbolVersion("GLIBCXX_3.4.9")! < SymbolVersion("GLIBCXX_3.4.30")!)
    }

    @Test func comparesPrefixesFirst() throws {
        // Across families the order is by prefix only: CXXABI < GCC < GLIBC < GLIBCXX.
        let high = try #require(SymbolVersion("CXXABI_9.9"))
        let low = try #require(SymbolVersion("GLIBC_1.0"))
        #expect(high < low)
        #expect(SymbolVersion("GLIBC_99")! < SymbolVersion("GLIBCXX_1")!)
    }

    @Test func equalityIsNumeric() {
        #expect(SymbolVersion("GLIBC_2.02") == SymbolVersion("GLIBC_2.2"))
        #expect(SymbolVersion("GLIBC_2.2") != SymbolVersion("GLIBC_2.2.0"))
        #expect(Set([SymbolVersion("GLIBC_2.2")!, SymbolVersion("GLIBC_2.02")!]).count == 1)
        #expect(SymbolVersion(prefix: "GLIBC", numbers: [2, 34]) == SymbolVersion("GLIBC_2.34"))
    }
}
