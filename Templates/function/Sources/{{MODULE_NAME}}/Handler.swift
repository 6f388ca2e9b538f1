/// The event {{PRODUCT_NAME}} receives, decoded from JSON such as `{"name": "Ada"}`.
struct Input: Codable {
    var name: String
}

/// What {{PRODUCT_NAME}} answers, encoded as JSON: `{"greeting": "Hello, Ada!"}`.
struct Output: Codable {
    var greeting: String
}

/// The function's work, apart from the runtime so that tests can call it directly.
func greet(_ input: Input) -> Output {
    Output(greeting: "Hello, \(input.name)!")
}
