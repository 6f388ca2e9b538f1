// Echo: answers every event with the event itself.
//
// It imports only LambdaRuntime (no Foundation), which keeps the binary small and its glibc
// needs at GLIBC_2.34, so it runs on provided.al2023 when built on a newer host.

import LambdaRuntime

runLambda { event, _ in event }
