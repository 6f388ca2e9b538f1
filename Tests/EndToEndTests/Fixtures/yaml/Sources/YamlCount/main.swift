// Parses the event as YAML (JSON is YAML) with libyaml and answers with the number of
// scalars it holds and the version of the libyaml that did it.

import CYaml
import LambdaRuntime

func countScalars(_ document: [UInt8]) -> Int? {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else { return nil }
    defer { yaml_parser_delete(&parser) }
    return document.withUnsafeBufferPointer { bytes -> Int? in
        yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
        var scalars = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            if event.type == YAML_SCALAR_EVENT { scalars += 1 }
            if event.type == YAML_STREAM_END_EVENT { return scalars }
        }
    }
}

runLambda { event, _ in
    let version = String(cString: yaml_get_version_string())
    guard let scalars = countScalars(event) else { throw LambdaError(errorType: "InvalidYAML", errorMessage: "the event is not YAML") }
    return Array(#"{"scalars":\#(scalars),"libyaml":"\#(version)"}"#.utf8)
}
