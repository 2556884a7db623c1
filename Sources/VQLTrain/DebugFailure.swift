import Foundation
import VQLModel

/// Documented fault injection for the failure tests (README, "Debug settings"):
/// - `VQL_DEBUG_FAIL_RANK=R` (and optionally `VQL_DEBUG_FAIL_STEP=S`, default 2): rank R
///   throws at step S, as a rank whose data or disk failed would.
/// - `VQL_DEBUG_NAN_RANK=R` with `VQL_DEBUG_NAN_STEP=S`: rank R writes a NaN into its
///   local `value.weight` gradient at step S, before the exchange.
enum DebugFailure {
    static let environment = ProcessInfo.processInfo.environment

    static func value(_ key: String) -> Int? { environment[key].flatMap { Int($0) } }

    static func check(rank: Int, step: Int) throws {
        guard let r = value("VQL_DEBUG_FAIL_RANK"), r == rank, step == (value("VQL_DEBUG_FAIL_STEP") ?? 2) else { return }
        throw TrainingError.injected(rank: rank, step: step)
    }

    static func poison(_ net: VQLNetwork, rank: Int, step: Int) {
        guard let r = value("VQL_DEBUG_NAN_RANK"), r == rank, step == (value("VQL_DEBUG_NAN_STEP") ?? 2) else { return }
        net.params.grad("value.weight")[0] = .nan
    }
}
