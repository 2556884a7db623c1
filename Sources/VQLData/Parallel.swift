import Foundation

// Work split across cores with `DispatchQueue.concurrentPerform`: results kept per task, and
// arrays whose disjoint parts the tasks write.

/// One result slot per parallel task, each written by exactly one task before being read.
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private var slots: [Result<T, any Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ k: Int, _ r: Result<T, any Error>) { lock.lock(); slots[k] = r; lock.unlock() }

    /// Removes and returns slot k's value (rethrows its error).
    func take(_ k: Int) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let r = slots[k]!
        slots[k] = nil
        return try r.get()
    }

    /// Applies `f` to slot k's value without removing it.
    func peek<R>(_ k: Int, _ f: (T) -> R) throws -> R {
        lock.lock()
        defer { lock.unlock() }
        return f(try slots[k]!.get())
    }
}

/// A pointer handed to parallel tasks that write disjoint parts of its memory.
struct SharedPointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

/// `body(0), …, body(count - 1)` computed on all cores, in index order.
func parallelMap<R: Sendable>(_ count: Int, _ body: @Sendable (Int) -> R) -> [R] {
    let slots = ResultSlots<R>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { slots.set($0, .success(body($0))) }
    return (0..<count).map { try! slots.take($0) }  // every slot holds a success
}

/// An array of `count` elements written by `tasks` parallel calls of `body(task, base)`,
/// which together must write every element exactly once.
func parallelFill<T>(count: Int, tasks: Int, _ body: @Sendable (Int, UnsafeMutablePointer<T>) -> Void) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let base = SharedPointer(buffer.base)
        DispatchQueue.concurrentPerform(iterations: tasks) { body($0, base.pointer) }
        initialized = count
    }
}
