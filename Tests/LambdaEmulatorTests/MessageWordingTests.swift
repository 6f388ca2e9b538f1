import Foundation
import LambdaEmulator
import Testing

/// One convention for what the emulator says (issue 14, item 12).
@Suite struct MessageWordingTests {
    /// Seconds everywhere, as Lambda writes them ("3.00"), with a third decimal only when a
    /// millisecond would otherwise read as 0.00.
    @Test func timeoutsAreSecondsAsLambdaWritesThem() {
        #expect(Duration.seconds(3).secondsText == "3.00")
        #expect(Duration.seconds(900).secondsText == "900.00")
        #expect(Duration.milliseconds(500).secondsText == "0.50")
        #expect(Duration.milliseconds(1500).secondsText == "1.50")
        #expect(Duration.milliseconds(1).secondsText == "0.001")
        #expect(Duration.milliseconds(1234).secondsText == "1.234")
        #expect(Duration.milliseconds(10).secondsText == "0.01")
    }

    /// A port in use is one line in the system's words, without SwiftNIO's call and errno.
    @Test func aPortInUseIsOneCleanLine() async throws {
        let first = try await LambdaEmulator.start(EmulatorConfiguration(function: FunctionIdentity(name: "fn")))
        do {
            let second = try await LambdaEmulator.start(EmulatorConfiguration(port: first.port, function: FunctionIdentity(name: "fn")))
            await second.stop()
            Issue.record("two emulators listened on one port")
        } catch {
            #expect("\(error)" == "cannot listen on 127.0.0.1:\(first.port): address already in use; choose another port, or 0 for a free one")
        }
        await first.stop()
    }
}
