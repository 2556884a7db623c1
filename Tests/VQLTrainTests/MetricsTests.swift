import Foundation
import Testing
@testable import VQLTrain

/// P(score₊ > score₋) + ½·P(score₊ = score₋) over all positive/negative pairs.
private func bruteForceAUC(_ s: [Float], _ y: [Float]) -> Double? {
    var num = 0.0, den = 0.0
    for i in s.indices where y[i] > 0.5 {
        for j in s.indices where y[j] <= 0.5 {
            den += 1
            num += s[i] > s[j] ? 1 : (s[i] == s[j] ? 0.5 : 0)
        }
    }
    return den > 0 ? num / den : nil
}

/// Deterministic LCG so the test needs nothing from other modules.
private struct LCG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

@Test func aucHandCheckedCases() {
    // Perfect, reversed, and all-tied rankings.
    #expect(ClassificationMetrics.auc(scores: [0.1, 0.2, 0.8, 0.9], labels: [0, 0, 1, 1]) == 1)
    #expect(ClassificationMetrics.auc(scores: [0.9, 0.8, 0.2, 0.1], labels: [0, 0, 1, 1]) == 0)
    #expect(ClassificationMetrics.auc(scores: [0.5, 0.5, 0.5], labels: [1, 0, 0]) == 0.5)
    // Pairs (+0.8 vs −0.3, −0.8) → 1, 0.5;  (+0.3 vs −0.3, −0.8) → 0.5, 0 ⇒ 2/4.
    #expect(ClassificationMetrics.auc(scores: [0.8, 0.3, 0.3, 0.8], labels: [1, 1, 0, 0]) == 0.5)
    // 3 pos, 1 neg: neg beaten by two positives, ties one ⇒ 2.5/3.
    let a = ClassificationMetrics.auc(scores: [0.4, 0.9, 0.7, 0.4], labels: [1, 1, 1, 0])!
    #expect(abs(a - 2.5 / 3) < 1e-12)
    #expect(ClassificationMetrics.auc(scores: [0.1, 0.2], labels: [1, 1]) == nil)
    #expect(ClassificationMetrics.auc(scores: [0.1, 0.2], labels: [0, 0]) == nil)
    #expect(ClassificationMetrics.auc(scores: [], labels: []) == nil)
}

@Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
func aucMatchesBruteForceWithTies(seed: Int) {
    var r = LCG(state: UInt64(seed))
    let n = 50 + r.below(300)
    let levels = 1 + r.below(20)  // few distinct scores ⇒ many ties
    let scores = (0..<n).map { _ in Float(r.below(levels)) / Float(levels) }
    let labels = (0..<n).map { _ in Float(r.below(3) == 0 ? 1 : 0) }
    let fast = ClassificationMetrics.auc(scores: scores, labels: labels)
    let slow = bruteForceAUC(scores, labels)
    #expect((fast == nil) == (slow == nil))
    if let fast, let slow { #expect(abs(fast - slow) < 1e-12) }
}

@Test(arguments: [11, 12, 13, 14])
func gaucMatchesPerUserBruteForce(seed: Int) {
    var r = LCG(state: UInt64(seed))
    let n = 400
    let users = (0..<n).map { _ in Int32(r.below(25)) - 5 }
    let scores = (0..<n).map { _ in Float(r.below(8)) / 8 }
    let labels = (0..<n).map { _ in Float(r.below(4) == 0 ? 1 : 0) }
    var num = 0.0, den = 0.0
    for u in Set(users) {
        let idx = users.indices.filter { users[$0] == u }
        if let a = bruteForceAUC(idx.map { scores[$0] }, idx.map { labels[$0] }) {
            num += Double(idx.count) * a
            den += Double(idx.count)
        }
    }
    let g = ClassificationMetrics.gauc(scores: scores, labels: labels, users: users)
    #expect(den > 0)
    #expect(abs(g! - num / den) < 1e-12)
}

@Test func gaucHandCheckedCase() {
    // User 1 (3 impressions): perfect ⇒ 1. User 2 (2 impressions): reversed ⇒ 0.
    // User 3: one class only ⇒ left out. GAUC = (3·1 + 2·0) / 5 = 0.6.
    let g = ClassificationMetrics.gauc(
        scores: [0.9, 0.1, 0.2, 0.3, 0.7, 0.5, 0.6],
        labels: [1, 0, 0, 1, 0, 1, 1],
        users: [1, 1, 1, 2, 2, 3, 3])
    #expect(abs(g! - 0.6) < 1e-12)
    #expect(ClassificationMetrics.gauc(scores: [0.1, 0.2], labels: [1, 0], users: [1, 2]) == nil)
}

@Test func loglossValuesAndClamping() {
    let l = ClassificationMetrics.logloss(probabilities: [0.8, 0.4], labels: [1, 0])
    #expect(abs(l - (-(log(0.8) + log(0.6)) / 2)) < 1e-6)
    #expect(abs(ClassificationMetrics.logloss(probabilities: [0.5], labels: [1]) - log(2)) < 1e-7)
    let worst = ClassificationMetrics.logloss(probabilities: [0, 1], labels: [1, 0])
    #expect(worst.isFinite && abs(worst - (-log(1e-7))) < 1e-3)
    #expect(ClassificationMetrics.logloss(probabilities: [1, 0], labels: [1, 0]) < 1e-6)
    #expect(ClassificationMetrics.logloss(probabilities: [], labels: []).isNaN)
}

@Test func resumeMovesLaterRecordsAsideAndKeepsAppending() throws {
    let dir = NSTemporaryDirectory() + "vql-metrics-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let log = try MetricsLog(path: dir + "/metrics.jsonl")
    try log.write(["kind": "note"])  // no step: always kept
    for s in 1...10 { try log.write(["kind": "train", "step": .int(s)]) }
    #expect(try log.discardRecords(afterStep: 6) == 4)
    try log.write(["kind": "resume", "step": 6])
    try log.write(["kind": "train", "step": 7])
    func steps(_ path: String) throws -> [Int?] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["step"] as? Int
        }
    }
    #expect(try steps(log.path) == [nil, 1, 2, 3, 4, 5, 6, 6, 7])
    #expect(try steps(log.discardedPath) == [7, 8, 9, 10])
    #expect(try log.discardRecords(afterStep: 7) == 0)  // nothing later: file untouched
}
