// libFuzzer entry point for ELFKit's reader, built by scripts/fuzz-elf
// together with Sources/ELFKit/*.swift as one module (outside SwiftPM, which
// cannot link a target with -sanitize=fuzzer).
//
// The property the fuzzer checks is the reader's contract: any input
// returns a value or throws ELFError. A trap (overflow, out-of-range index,
// force unwrap) or an AddressSanitizer report is a crash libFuzzer records.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzELFFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        let file = try ELFFile(bytes: bytes)
        // What callers do next: version names from the file are parsed and compared.
        for prefix in ["GLIBC", "GLIBCXX", "CXXABI", "GCC"] {
            _ = file.maxVersion(prefix: prefix)
        }
        _ = file.dynamicSymbols.filter(\.isFunction).compactMap { $0.version.flatMap(SymbolVersion.init) }.max()
    } catch is ELFError {
        // Rejecting malformed input is the expected outcome for most inputs.
    } catch {
        fatalError("ELFFile threw a non-ELFError: \(error)")
    }
    _ = try? ELFHeader(bytes: bytes)
    _ = SymbolVersion(String(decoding: bytes.prefix(64), as: UTF8.self))
    return 0
}
