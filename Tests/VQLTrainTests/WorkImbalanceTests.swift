import Testing
@testable import VQLTrain

struct WorkImbalanceTests {
    @Test func excessIsTheBusiestRanksShareOverTheMeanAveragedOverSteps() {
        // step 0: mean 2, busiest 3 → +50%; step 1: even → 0; step 2: mean 4, busiest 6 → +50%
        let w = WorkImbalance(perStepByRank: [1, 3, 2, 2, 6, 2], ranks: 2)
        #expect(abs(w.excessOfBusiest - (0.5 + 0 + 0.5) / 3) < 1e-12)
    }

    @Test func busiestRepeatsCountsStepsWhoseBusiestRankIsThePreviousOnes() {
        // busiest ranks by step: 2, 2, 0, 0, 0 → repeats in steps 1, 3, 4 of 4 transitions
        let w = WorkImbalance(perStepByRank: [1, 1, 5, 1, 2, 3, 9, 1, 1, 7, 2, 3, 4, 0, 0], ranks: 3)
        #expect(w.busiestRepeats == 0.75)
        // one rank, or one step: no imbalance, nothing to repeat
        let one = WorkImbalance(perStepByRank: [3, 4, 5], ranks: 1)
        #expect(one.excessOfBusiest == 0 && one.busiestRepeats == 1)
        #expect(WorkImbalance(perStepByRank: [1, 2], ranks: 2).busiestRepeats == 0)
    }
}
