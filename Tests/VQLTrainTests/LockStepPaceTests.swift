import Testing
@testable import VQLTrain

struct LockStepPaceTests {
    /// `count` steps of `seconds` each from `start`.
    func steady(_ count: Int, seconds: Double, from start: Double = 0) -> [(start: Double, end: Double)] {
        (0..<count).map { (start + Double($0) * seconds, start + Double($0 + 1) * seconds) }
    }

    @Test func theSlowerCoreSetsThePaceOfEveryStep() {
        // 1 and 2 steps/s: each lock-step step is the slow core's half step, 0.5 s
        let pace = LockStepPace(runs: [steady(10, seconds: 1), steady(20, seconds: 0.5)])
        #expect(abs(pace.stepsPerSecond - 2) < 1e-9)
        // equal cores: N runs' work in lock-step goes N times as fast as one run
        #expect(abs(LockStepPace(runs: [steady(10, seconds: 1), steady(10, seconds: 1)]).stepsPerSecond - 2) < 1e-9)
        #expect(abs(LockStepPace(runs: Array(repeating: steady(10, seconds: 0.5), count: 4)).stepsPerSecond - 8) < 1e-9)
    }

    @Test func coresThatTakeTurnsBeingSlowCostMoreThanTheirAveragesSay() {
        // each core alternates 1 s and 0.5 s steps, out of phase: both average 4/3 steps/s,
        // but every second of lock-step has one core at 1 step/s, so the pace is 2 steps/s,
        // not 2 × 4/3
        var a: [(start: Double, end: Double)] = [], b = a
        var ta = 0.0, tb = 0.0
        for i in 0..<12 {
            let da = i % 2 == 0 ? 1.0 : 0.5, db = i % 2 == 0 ? 0.5 : 1.0
            a.append((ta, ta + da)); ta += da
            b.append((tb, tb + db)); tb += db
        }
        // b's first second is two half-second steps: the phases line up after [0, 1)
        let pace = LockStepPace(runs: [a, b])
        #expect(abs(pace.stepsPerSecond - 2) < 1e-9)
        #expect(pace.stepsPerSecond < 2 * (12 / ta) - 0.5)
    }

    @Test func onlyTheTimeTheRunsShareCounts() {
        // the second run starts 2 s late and ends 2 s early; pace inside the overlap
        let pace = LockStepPace(runs: [steady(10, seconds: 1), steady(6, seconds: 1, from: 2)])
        #expect(abs(pace.stepsPerSecond - 2) < 1e-9)
        #expect(LockStepPace(runs: [steady(3, seconds: 1), steady(3, seconds: 1, from: 5)]).stepsPerSecond == 0)
        #expect(LockStepPace(runs: []).stepsPerSecond == 0)
    }
}
