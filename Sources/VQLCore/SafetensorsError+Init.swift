extension SafetensorsError {
    /// For callers that validate a file's content against what they expect (shapes, names).
    public init(file path: String, tensor: String?, _ message: String) {
        self.init(path: path, tensor: tensor, message: message)
    }
}
