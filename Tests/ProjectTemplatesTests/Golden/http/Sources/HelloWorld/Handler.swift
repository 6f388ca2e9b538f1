import AWSLambdaEvents

/// Answers `GET /?name=Ada` with `Hello, Ada!`, and any request without a name with
/// `Hello, world!`. Apart from the runtime so that tests can call it directly.
func respond(to request: APIGatewayV2Request) -> APIGatewayV2Response {
    let name = request.queryStringParameters["name"] ?? "world"
    return APIGatewayV2Response(
        statusCode: .ok,
        headers: ["content-type": "text/plain; charset=utf-8"],
        body: "Hello, \(name)!"
    )
}
