import ArgumentParser
import Foundation
import VQLCore
import VQLData
import VQLServe
import VQLTrain

struct BuildCache: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build-cache",
        abstract: "Compress every user's whole history into its fixed-size cache (alone or under mpirun).")

    @Option(name: .customLong("run"), help: "Run directory of `vql train` (config.yaml + model.safetensors).")
    var runDirectory: String?

    @Option(help: "A checkpoint step directory (its verified model and config) instead of the run's final model.")
    var checkpoint: String?

    @Option(help: "Model file to use instead of RUN/model.safetensors.")
    var model: String?

    @Option(help: "Output cache directory (default: RUN/cache, or CHECKPOINT/cache).")
    var out: String?

    func validate() throws {
        if (runDirectory == nil) == (checkpoint == nil) { throw ValidationError("give exactly one of --run RUN_DIR or --checkpoint PATH") }
    }

    func run() throws {
        let config: RunConfig, modelPath: String, outPath: String
        if let checkpoint {
            let c = try Checkpoint(path: checkpoint)
            config = try c.state.runConfig()
            modelPath = model ?? c.path + "/model.safetensors"
            outPath = out ?? c.path + "/cache"
        } else {
            let runDirectory = runDirectory!
            config = try RunConfig.load(path: runDirectory + "/config.yaml", overrides: [])
            modelPath = model ?? runDirectory + "/model.safetensors"
            outPath = out ?? runDirectory + "/cache"
        }
        try WorldRunner.run { world in
            let start = Date()
            let written = try CacheExport.build(config: config, modelPath: modelPath, out: outPath, world: world)
            if let m = written {
                print(String(format: "cache of %d users (%d events, %d bytes per user) written to %@ in %.2f s", m.users, m.eventsBuilt,
                             8 + 4 * m.heads + 4 * m.heads * m.codebookSize * (m.valueDim + 1), outPath, Date().timeIntervalSince(start)))
            }
        }
    }
}

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score (user, item, time) triples from a cache: CSV in, CSV out, or one triple from flags.")

    @Option(help: "Cache directory from `vql build-cache`.") var cache: String
    @Option(help: "Model file (default: the one named in the cache manifest; must be the same model).") var model: String?
    @Option(help: "CSV with header user_id,item_id,time_ms (raw ids).") var input: String?
    @Option(help: "Output CSV (default: stdout).") var output: String?
    @Option(help: "One raw user id (with --item).") var user: Int64?
    @Option(help: "One raw item id (with --user).") var item: Int64?
    @Option(help: "Request time in ms (accepted for the record: the cached score does not depend on it).") var time: Int64 = 0

    func run() throws {
        let session = try ServingSession(cache: cache, model: model)
        var rows: [(Int64, Int64, Int64)] = []
        if let input {
            rows = try TripleCSV.read(path: input)
        } else if let user, let item {
            rows = [(user, item, time)]
        } else {
            throw ValidationError("give --input FILE, or --user and --item")
        }
        var out = "user_id,item_id,time_ms,score,logit,note\n"
        for (u, i, t) in rows {
            let r = session.score(user: u, item: i)
            out += "\(u),\(i),\(t),\(r.probability),\(r.logit),\(r.note)\n"
        }
        if let output { try out.write(toFile: output, atomically: true, encoding: .utf8) } else { print(out, terminator: "") }
    }
}

struct Cache: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Maintain user caches.", subcommands: [Append.self])

    struct Append: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fold new events (CSV user_id,item_id,time_ms, raw ids) into the users' caches, O(H·d_v) each.")
        @Option(help: "Cache directory (rewritten all-or-nothing).") var cache: String
        @Option(help: "CSV with header user_id,item_id,time_ms.") var events: String
        @Option(help: "Model file (default: the one named in the cache manifest).") var model: String?

        func run() throws {
            let session = try ServingSession(cache: cache, model: model)
            var directory = session.directory
            let rows = try TripleCSV.read(path: events)
            var skipped = 0
            for (u, i, t) in rows {
                guard let user = session.userIndex[u], let item = session.itemIndex[i] else { skipped += 1; continue }
                directory.caches.append(user: user, item: Int32(item), time: t, vectors: session.vectors)
            }
            directory.manifest.eventsAppended += rows.count - skipped
            try directory.write(to: cache, overwrite: true)
            print("appended \(rows.count - skipped) events to \(cache); skipped \(skipped) with an unknown user or item")
        }
    }
}
