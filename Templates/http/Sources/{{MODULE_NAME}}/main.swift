import AWSLambdaEvents
import AWSLambdaRuntime

// API Gateway HTTP APIs (payload format 2.0) and function URLs send this event shape.
let runtime = LambdaRuntime { (request: APIGatewayV2Request, context: LambdaContext) -> APIGatewayV2Response in
    respond(to: request)
}

try await runtime.run()
