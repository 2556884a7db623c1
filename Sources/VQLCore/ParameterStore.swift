/// The shape and place of one named tensor inside a flat parameter buffer.
public struct TensorSlot: Sendable, Equatable, Codable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
}

/// Dense parameters, their gradients and Adam moments, each in one flat buffer (llm.c
/// style): a single allreduce moves every gradient, a single loop updates every weight.
/// Tensors are addressed by named slots that are fixed at construction.
public final class ParameterStore: @unchecked Sendable {
    public let slots: [TensorSlot]
    public let count: Int
    public let values: FloatBuffer
    public let grads: FloatBuffer
    public let adamM: FloatBuffer
    public let adamV: FloatBuffer
    private let indexByName: [String: Int]

    public init(shapes: [(String, [Int])]) {
        var slots: [TensorSlot] = []
        var offset = 0
        for (name, shape) in shapes {
            slots.append(TensorSlot(name: name, shape: shape, offset: offset))
            // Each tensor starts on a 16-float boundary so BLAS sees aligned rows.
            offset += (shape.reduce(1, *) + 15) / 16 * 16
        }
        self.slots = slots
        count = offset
        values = FloatBuffer(count: offset)
        grads = FloatBuffer(count: offset)
        adamM = FloatBuffer(count: offset)
        adamV = FloatBuffer(count: offset)
        var index: [String: Int] = [:]
        for (i, slot) in slots.enumerated() {
            precondition(index[slot.name] == nil, "duplicate parameter name \(slot.name)")
            index[slot.name] = i
        }
        indexByName = index
    }

    public func slot(_ name: String) -> TensorSlot {
        guard let i = indexByName[name] else { preconditionFailure("no parameter named \(name)") }
        return slots[i]
    }

    /// Pointer to the values of tensor `name`.
    public func value(_ name: String) -> UnsafeMutablePointer<Float> { values.pointer + slot(name).offset }
    /// Pointer to the gradient of tensor `name`.
    public func grad(_ name: String) -> UnsafeMutablePointer<Float> { grads.pointer + slot(name).offset }
}
