import ArgumentParser
import VQLTrain

struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the resolved config (file + --set overrides), or the reference of every key.")

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Print the Markdown reference table of every config key instead.")
    var reference = false

    func run() throws {
        if reference {
            print(RunConfig.referenceMarkdown())
        } else {
            let config = try options.load()
            try config.validate()
            print(config.yaml(), terminator: "")
        }
    }
}
