import Foundation
import Testing
@testable import VQLTrain

@Test func earlierRunIsFoundRefusedAndRemovedWithoutTouchingOtherFiles() throws {
    let dir = NSTemporaryDirectory() + "vql-earlier-\(UUID().uuidString)"
    let fm = FileManager.default
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? fm.removeItem(atPath: dir) }

    #expect(EarlierRun(directory: dir).isEmpty)
    #expect(EarlierRun(directory: dir).refusal == nil)
    #expect(EarlierRun(directory: dir + "/missing").isEmpty)

    try "{}\n".write(toFile: dir + "/metrics.jsonl", atomically: true, encoding: .utf8)
    let metricsOnly = EarlierRun(directory: dir)
    #expect(metricsOnly.files == ["metrics.jsonl"])
    #expect(metricsOnly.refusal?.contains("holds an earlier run (metrics.jsonl); start over with --restart") == true)

    for step in [10, 20] {
        try fm.createDirectory(atPath: dir + "/checkpoints/" + CheckpointFiles.stepDirectoryName(step), withIntermediateDirectories: true)
    }
    try "x".write(toFile: dir + "/model.safetensors", atomically: true, encoding: .utf8)
    try fm.createDirectory(atPath: dir + "/cache", withIntermediateDirectories: true)
    try "mine".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
    let run = EarlierRun(directory: dir)
    #expect(run.checkpoints.map(\.step) == [20, 10])
    #expect(run.refusal?.contains("newest: step 20); continue it with --resume") == true)

    try run.remove()
    #expect(EarlierRun(directory: dir).isEmpty)
    #expect(!fm.fileExists(atPath: dir + "/checkpoints"))
    #expect(fm.fileExists(atPath: dir + "/cache") && fm.fileExists(atPath: dir + "/notes.txt"))
}
