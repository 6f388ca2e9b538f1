import ELFKit
import GlibcCompat
import LambdaChecks
import Testing

/// The decision rules on small, made-up symbol tables: each test changes
/// one fact and checks the one decision it drives.
@Suite struct CompatPlanTests {
    static func function(_ name: String, _ version: String, default isDefault: Bool = false) -> DynamicSymbol {
        DynamicSymbol(
            name: name, isDefined: true, type: .function, binding: .global, version: version,
            isDefaultVersion: isDefault)
    }

    static func libc(_ symbols: [DynamicSymbol], versions: [String] = ["GLIBC_2.2.5", "GLIBC_2.34", "GLIBC_2.36"])
        -> LibrarySymbols
    {
        LibrarySymbols(soname: "libc.so.6", path: "/lib/libc.so.6", definedVersions: versions, symbols: symbols)
    }

    static func library(_ soname: String, _ symbols: [DynamicSymbol], versions: [String]) -> LibrarySymbols {
        LibrarySymbols(soname: soname, path: "/lib/\(soname)", definedVersions: versions, symbols: symbols)
    }

    static let getrandom = function("getrandom", "GLIBC_2.25", default: true)

    @Test func rebindsToTheNewestVersionAtOrBelowTheCeiling() throws {
        let libm = Self.library(
            "libm.so.6",
            [
                Self.function("hypot", "GLIBC_2.35", default: true), Self.function("hypot", "GLIBC_2.2.5"),
                Self.function("hypot", "GLIBC_2.29"),
            ], versions: ["GLIBC_2.2.5", "GLIBC_2.29", "GLIBC_2.35"])
        let al2023 = CompatPlan.compute([libm], profile: .providedAL2023)
        #expect(al2023.rebindings.map { "\($0.symbol) \($0.newest) \($0.bound)" } == ["hypot GLIBC_2.35 GLIBC_2.29"])
        #expect(al2023.hostIsNewer)
        // A lower ceiling picks a lower version.
        let al2 = CompatPlan.compute([libm], profile: .providedAL2)
        #expect(al2.rebindings.map(\.bound.description) == ["GLIBC_2.2.5"])
    }

    @Test func defaultsWithinTheCeilingAreLeftAlone() {
        let libc = Self.libc(
            [Self.function("open", "GLIBC_2.2.5", default: true), Self.getrandom],
            versions: ["GLIBC_2.2.5", "GLIBC_2.25"])
        let plan = CompatPlan.compute([libc], profile: .providedAL2023)
        #expect(plan.isEmpty)
        #expect(plan.unfixable.isEmpty)
        #expect(!plan.hostIsNewer)
    }

    @Test func theArc4randomFamilyGetsFallbacksOnlyWhereGetrandomIsWithinTheCeiling() throws {
        let symbols = ["arc4random", "arc4random_buf", "arc4random_uniform"].map {
            Self.function($0, "GLIBC_2.36", default: true)
        }
        let plan = CompatPlan.compute([Self.libc(symbols + [Self.getrandom])], profile: .providedAL2023)
        #expect(plan.fallbacks.map(\.symbol) == ["arc4random", "arc4random_buf", "arc4random_uniform"])
        #expect(plan.unfixable.isEmpty)
        // Without getrandom inside the ceiling there is nothing faithful to build them on.
        let newGetrandom = Self.function("getrandom", "GLIBC_2.36", default: true)
        let without = CompatPlan.compute([Self.libc(symbols + [newGetrandom])], profile: .providedAL2023)
        #expect(without.fallbacks.isEmpty)
        #expect(without.unfixable.contains { $0.symbol == "arc4random" && $0.reason == .noOlderVersion })
    }

    @Test func otherNewFunctionsAndDataAreUnfixable() {
        let symbols = [
            Self.function("epoll_pwait2", "GLIBC_2.35", default: true),
            DynamicSymbol(
                name: "__new_table", isDefined: true, type: .object, binding: .global, version: "GLIBC_2.36",
                isDefaultVersion: true),
            DynamicSymbol(
                name: "__new_table", isDefined: true, type: .object, binding: .global, version: "GLIBC_2.2.5",
                isDefaultVersion: false),
            Self.getrandom,
        ]
        let plan = CompatPlan.compute([Self.libc(symbols)], profile: .providedAL2023)
        #expect(plan.rebindings.isEmpty)
        #expect(plan.unfixable("epoll_pwait2", library: "libc.so.6")?.reason == .noOlderVersion)
        #expect(plan.unfixable("__new_table", library: "libc.so.6")?.reason == .notAFunction)
        #expect(plan.unfixable("epoll_pwait2", library: "libm.so.6") == nil)
    }

    @Test func functionsGlibcMovedIntoLibcAreNotRebound() {
        // pthread_create@@GLIBC_2.34 was libpthread.so.0's pthread_create@GLIBC_2.2.5 before
        // glibc 2.34: a binary binding the old version from libc.so.6 would not load there.
        let symbols = [
            Self.function("pthread_create", "GLIBC_2.34", default: true),
            Self.function("pthread_create", "GLIBC_2.2.5"),
            Self.function("__libc_start_main", "GLIBC_2.34", default: true),
            Self.function("__libc_start_main", "GLIBC_2.2.5"),
            Self.function("glob", "GLIBC_2.27", default: true), Self.function("glob", "GLIBC_2.2.5"), Self.getrandom,
        ]
        let plan = CompatPlan.compute([Self.libc(symbols)], profile: .providedAL2)
        #expect(plan.unfixable("pthread_create", library: "libc.so.6")?.reason == .movedIntoLibc)
        #expect(plan.unfixable("__libc_start_main", library: "libc.so.6")?.reason == .startupContract)
        #expect(plan.rebindings.map(\.symbol) == ["glob"])
        // The same versions in another library are ordinary rebindings.
        let other = Self.library(
            "libexample.so.1", [Self.function("f", "GLIBC_2.34", default: true), Self.function("f", "GLIBC_2.2.5")],
            versions: ["GLIBC_2.34"])
        #expect(CompatPlan.compute([other], profile: .providedAL2).rebindings.map(\.symbol) == ["f"])
    }

    @Test func aStaticLibstdcxxIsNotRebound() {
        let wait = "_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE"
        let libstdcxx = Self.library(
            "libstdc++.so.6",
            [Self.function(wait, "GLIBCXX_3.4.30", default: true), Self.function(wait, "GLIBCXX_3.4.11")],
            versions: ["GLIBCXX_3.4.11", "GLIBCXX_3.4.30"])
        let shared = CompatPlan.compute([libstdcxx], profile: .providedAL2023)
        #expect(shared.rebindings.map { "\($0.library) \($0.bound)" } == ["libstdc++.so.6 GLIBCXX_3.4.11"])
        let linkedStatically = CompatPlan.compute([libstdcxx], profile: .providedAL2023, libstdcxx: .static)
        #expect(linkedStatically.isEmpty)
        #expect(linkedStatically.hostIsNewer)
    }

    @Test func aNameIsPlannedOnceAndUnversionedOrPrivateVersionsAreIgnored() {
        let first = Self.library(
            "libm.so.6", [Self.function("hypot", "GLIBC_2.35", default: true), Self.function("hypot", "GLIBC_2.2.5")],
            versions: ["GLIBC_2.35"])
        let second = Self.library(
            "libother.so.1",
            [Self.function("hypot", "GLIBC_2.35", default: true), Self.function("hypot", "GLIBC_2.2.5")],
            versions: ["GLIBC_2.35"])
        let privateOnly = Self.libc([Self.function("__private", "GLIBC_PRIVATE", default: true), Self.getrandom])
        let plan = CompatPlan.compute([first, second, privateOnly], profile: .providedAL2023)
        #expect(plan.rebindings.map(\.library) == ["libm.so.6"])
        #expect(plan.unfixable.isEmpty)
    }

    @Test func namesTheAssemblerCannotSpellAreUnfixable() {
        #expect(ShimSource.isAssemblerName("_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE"))
        #expect(!ShimSource.isAssemblerName("9lives"))
        #expect(!ShimSource.isAssemblerName("a\"b"))
        #expect(!ShimSource.isAssemblerName(""))
        let odd = Self.library(
            "libm.so.6",
            [Self.function("odd.name", "GLIBC_2.35", default: true), Self.function("odd.name", "GLIBC_2.2.5")],
            versions: ["GLIBC_2.35"])
        #expect(CompatPlan.compute([odd], profile: .providedAL2023).unfixable.map(\.reason) == [.unsupportedName])
    }
}
