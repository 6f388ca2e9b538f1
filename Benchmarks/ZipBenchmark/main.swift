// Times swift-lambda's zip writer against Info-ZIP `zip` on the same files in
// the same run, and parallel against sequential zipping of several artifacts.
// Usage: zip-benchmark ROUNDS BOOTSTRAP...  (the first bootstrap is the big one)
import Archiver
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard let rounds = arguments.first.flatMap({ Int($0) }), arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: zip-benchmark ROUNDS BOOTSTRAP...\n".utf8))
    exit(64)
}
let inputs = Array(arguments.dropFirst())
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zip-benchmark-\(getpid())").path
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: scratch) }
let options = try ZipOptions.deterministic(environment: [:])

/// Median wall time of `rounds` runs, and the size of what the last run wrote.
func measure(_ body: () async throws -> Int64) async throws -> (seconds: Double, bytes: Int64) {
    var times: [Double] = []
    var bytes: Int64 = 0
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        bytes = try await body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return (times.sorted()[times.count / 2], bytes)
}

func zipWithSwiftLambda(_ input: String, _ name: String) throws -> Int64 {
    try ZipWriter.write([.file("bootstrap", source: input, executable: true)], to: "\(scratch)/\(name).zip", options: options).size
}

func zipWithInfoZip(_ input: String, _ name: String, level: String?) throws -> Int64 {
    let output = "\(scratch)/\(name)-infozip.zip"
    try? FileManager.default.removeItem(atPath: output)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/zip")
    process.currentDirectoryURL = URL(fileURLWithPath: (input as NSString).deletingLastPathComponent)
    process.arguments = ["-q", "-X"] + (level.map { [$0] } ?? []) + [output, (input as NSString).lastPathComponent]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    return Int64(try FileManager.default.attributesOfItem(atPath: output)[.size] as? Int ?? 0)
}

func row(_ label: String, _ result: (seconds: Double, bytes: Int64), against base: (seconds: Double, bytes: Int64)) -> String {
    let time = String(format: "%.3f", result.seconds), size = String(result.bytes)
    let ratios = String(format: "time %.2fx  size %.4fx", result.seconds / base.seconds, Double(result.bytes) / Double(base.bytes))
    return "\(label.padding(toLength: 34, withPad: " ", startingAt: 0)) \(time.padding(toLength: 8, withPad: " ", startingAt: 0)) s  \(size.padding(toLength: 10, withPad: " ", startingAt: 0)) B  \(ratios)"
}

let big = inputs[0]
let bigSize = (try FileManager.default.attributesOfItem(atPath: big)[.size] as? Int) ?? 0
print("Single artifact: \(big) (\(bigSize) bytes), median of \(rounds) rounds")
let infoZip = try await measure { try zipWithInfoZip(big, "big", level: nil) }
let infoZip9 = try await measure { try zipWithInfoZip(big, "big", level: "-9") }
let ours = try await measure { try zipWithSwiftLambda(big, "big") }
print(row("zip -q (Info-ZIP, level 6)", infoZip, against: infoZip))
print(row("zip -q -9", infoZip9, against: infoZip))
print(row("swift-lambda (libarchive, level \(options.compressionLevel))", ours, against: infoZip))

print("\nAll \(inputs.count) artifacts, median of \(rounds) rounds")
let infoZipAll = try await measure {
    var total: Int64 = 0
    for (index, input) in inputs.enumerated() { total += try zipWithInfoZip(input, "all\(index)", level: nil) }
    return total
}
let sequential = try await measure {
    var total: Int64 = 0
    for (index, input) in inputs.enumerated() { total += try zipWithSwiftLambda(input, "all\(index)") }
    return total
}
let parallel = try await measure {
    try await withThrowingTaskGroup(of: Int64.self) { group in
        for (index, input) in inputs.enumerated() { group.addTask { try zipWithSwiftLambda(input, "all\(index)") } }
        var total: Int64 = 0
        for try await size in group { total += size }
        return total
    }
}
print(row("zip -q, one after another", infoZipAll, against: infoZipAll))
print(row("swift-lambda, one after another", sequential, against: infoZipAll))
print(row("swift-lambda, in parallel", parallel, against: infoZipAll))
print(String(format: "parallel / sequential (swift-lambda): %.2fx on %d cores", parallel.seconds / sequential.seconds, ProcessInfo.processInfo.activeProcessorCount))
