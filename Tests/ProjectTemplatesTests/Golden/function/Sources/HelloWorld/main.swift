import AWSLambdaRuntime

// The runtime decodes each event as `Input` and encodes the returned `Output`, both as JSON.
let runtime = LambdaRuntime { (event: Input, context: LambdaContext) -> Output in
    greet(event)
}

try await runtime.run()
