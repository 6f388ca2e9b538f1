import Testing

@testable import LambdaWatch

@Suite struct ChangeCoalescerTests {
    let start = ContinuousClock.now

    @Test func nothingPendingIsNeverDue() {
        var coalescer = ChangeCoalescer()
        #expect(coalescer.deadline == nil)
        #expect(coalescer.flush(at: start + .seconds(10)) == nil)
        coalescer.record([], at: start)
        #expect(!coalescer.hasPending)
    }

    @Test func debouncesUntilQuiet() {
        var coalescer = ChangeCoalescer(quiet: .milliseconds(300), maximumDelay: .seconds(2))
        coalescer.record(["/p/b"], at: start)
        coalescer.record(["/p/a", "/p/b"], at: start + .milliseconds(100))
        #expect(coalescer.flush(at: start + .milliseconds(350)) == nil)
        #expect(coalescer.deadline == start + .milliseconds(400))
        #expect(coalescer.flush(at: start + .milliseconds(400)) == ChangeBatch(paths: ["/p/a", "/p/b"]))
        #expect(coalescer.flush(at: start + .seconds(5)) == nil)
    }

    @Test func constantStreamStillTriggersAtMaximumDelay() {
        var coalescer = ChangeCoalescer(quiet: .milliseconds(300), maximumDelay: .seconds(2))
        for step in 0..<30 { coalescer.record(["/p/a"], at: start + .milliseconds(100 * step)) }
        #expect(coalescer.deadline == start + .seconds(2))
        #expect(coalescer.flush(at: start + .milliseconds(1999)) == nil)
        #expect(coalescer.flush(at: start + .seconds(2))?.paths == ["/p/a"])
        coalescer.record(["/p/c"], at: start + .seconds(3))
        #expect(coalescer.deadline == start + .milliseconds(3300))
    }
}
