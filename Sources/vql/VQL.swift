import ArgumentParser

@main
struct VQL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vql",
        abstract: "Train and serve VQL: vector-quantized attention over ultra-long user histories.",
        subcommands: [Synth.self, Prepare.self, Train.self, Eval.self, BuildCache.self, Score.self, Cache.self, Config.self, Plot.self, Bench.self, Inspect.self, Debug.self])
}
