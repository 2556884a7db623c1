/// Seconds one rank spent inside the training steps' collectives, by where they sit in a
/// step. Time inside a collective is mostly waiting for the last rank to arrive, so at each
/// point the rank with *more* seconds is the one that finished the preceding work sooner:
/// the spread between ranks shows which part of the step is unbalanced.
public struct CollectiveSeconds: Sendable, Equatable {
    /// The union of the ranks' distinct items (after batch assembly).
    public var itemIds = 0.0
    /// The per-item rows (after each rank's share of the item forward).
    public var itemRows = 0.0
    /// The per-item gradients' reduce-scatter (after the samples' forward and backward).
    public var itemGradients = 0.0
    /// Dense and sparse gradients, codebook statistics, loss (after the item backward).
    public var gradientExchange = 0.0

    public static let labels = ["item ids", "item rows", "item gradients", "gradient exchange"]
    public var values: [Double] { [itemIds, itemRows, itemGradients, gradientExchange] }
    public var total: Double { values.reduce(0, +) }

    public init() {}
    init(values v: [Double]) { (itemIds, itemRows, itemGradients, gradientExchange) = (v[0], v[1], v[2], v[3]) }

    public static func - (a: Self, b: Self) -> Self { Self(values: zip(a.values, b.values).map { $0 - $1 }) }
}
