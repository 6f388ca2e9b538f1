import Foundation
import NIOCore
import NIOHTTP1

/// The Extensions API (`/2020-01-01/extension/`): register, event/next, init/error, exit/error.
extension EmulatorCore {
    func register(_ request: EmulatorRequest) -> EmulatorResponse {
        guard let name = request.header("Lambda-Extension-Name"), !name.isEmpty else {
            return .error(.badRequest, type: "InvalidRequest", message: "the Lambda-Extension-Name header is missing; send the extension's file name")
        }
        if let allowed = configuration.extensionNames, !allowed.contains(name) {
            let known = allowed.sorted().joined(separator: ", ")
            return .error(.forbidden, type: "Extension.InvalidName",
                message: "no extension file is named '\(name)' (started: \(known.isEmpty ? "none" : known)); register with the extension's file name")
        }
        let events: [String]
        switch JSON.registeredEvents(request.body) {
        case .success(let list): events = list
        case .failure(let problem): return .error(.badRequest, type: "InvalidRequest", message: problem.message)
        }
        return mutate { state, effects in
            state.noteContact()
            guard !state.snapshot.isShuttingDown, !state.snapshot.isStopped else {
                return .error(.forbidden, type: "Extension.ShuttingDown", message: "the environment is shutting down; extensions can no longer register")
            }
            guard !state.extensions.contains(where: { $0.status.name == name }) else {
                return .error(.conflict, type: "Extension.AlreadyRegistered", message: "an extension named '\(name)' is already registered")
            }
            let identifier = UUID().uuidString.lowercased()
            state.extensions.append(.init(status: ExtensionStatus(
                name: name, identifier: identifier, events: events, isWaiting: false, delivered: [])))
            effects.events.append(.extensionRegistered(name: name, events: events))
            let function = configuration.function
            let body = JSON.object([
                ("functionName", JSON.quoted(function.name)), ("functionVersion", JSON.quoted(function.version)),
                ("handler", JSON.quoted("bootstrap")),
            ])
            return EmulatorResponse(
                status: .ok, headers: ["Content-Type": "application/json", "Lambda-Extension-Identifier": identifier],
                body: Array(body.utf8))
        }
    }

    /// `GET event/next`: a pending event at once, else held until one is delivered. Asking is
    /// also how an extension says it is done with the last event.
    func extensionNext(_ request: EmulatorRequest, on eventLoop: any EventLoop) -> Reply {
        let identifier = request.header("Lambda-Extension-Identifier")
        let promise = eventLoop.makePromise(of: EmulatorResponse.self)
        let outcome: NextOutcome = mutate { state, effects in
            state.noteContact()
            guard let index = state.extensionIndex(identifier: identifier) else {
                return .rejected(Self.unknownExtension(identifier))
            }
            guard state.extensions[index].waiter == nil else {
                return .rejected(.error(.badRequest, type: "InvalidRequest", message: "extension '\(state.extensions[index].status.name)' is already waiting in event/next"))
            }
            let token = state.makeToken()
            state.extensions[index].waiter = .init(token: token, promise: promise)
            if !state.extensions[index].pending.isEmpty {
                let event = state.extensions[index].pending.removeFirst()
                deliver(event, toExtensionAt: index, in: &state, &effects)
            }
            pump(&state, &effects)
            return .waiting(token)
        }
        switch outcome {
        case .rejected(let response):
            promise.fail(ChannelError.ioOnClosedChannel)
            return .now(response)
        case .waiting(let token):
            return .later(promise.futureResult, cancel: { [self] in
                mutate { state, effects in
                    guard let index = state.extensions.firstIndex(where: { $0.waiter?.token == token }),
                        let waiter = state.extensions[index].waiter
                    else { return }
                    state.extensions[index].waiter = nil
                    effects.actions.append { waiter.promise.fail(ChannelError.ioOnClosedChannel) }
                }
            })
        }
    }

    private enum NextOutcome {
        case rejected(EmulatorResponse)
        case waiting(Int)
    }

    /// Gives `event` to the extension's waiting `event/next`, or keeps it until it asks.
    func deliver(_ event: ExtensionEvent, toExtensionAt index: Int, in state: inout EmulatorState, _ effects: inout Effects) {
        guard let waiter = state.extensions[index].waiter else {
            state.extensions[index].pending.append(event)
            return
        }
        state.extensions[index].waiter = nil
        state.extensions[index].status.delivered.append(event.type)
        let response = EmulatorResponse(
            status: .ok,
            headers: ["Content-Type": "application/json", "Lambda-Extension-Event-Identifier": UUID().uuidString.lowercased()],
            body: event.body,
            handsOver: .extensionEvent(identifier: state.extensions[index].status.identifier, event: event))
        effects.actions.append { waiter.promise.succeed(response) }
    }

    func extensionError(_ request: EmulatorRequest, phase: ExtensionErrorPhase) -> EmulatorResponse {
        let identifier = request.header("Lambda-Extension-Identifier")
        let report = ErrorReport(type: request.header("Lambda-Extension-Function-Error-Type"), body: request.body)
        return mutate { state, effects in
            state.noteContact()
            guard let index = state.extensionIndex(identifier: identifier) else { return Self.unknownExtension(identifier) }
            switch phase {
            case .initialisation: state.extensions[index].status.initError = report
            case .exit: state.extensions[index].status.exitError = report
            }
            effects.events.append(.extensionError(name: state.extensions[index].status.name, phase: phase, report))
            return .accepted
        }
    }

    /// Lambda answers 403 to an identifier it did not hand out.
    static func unknownExtension(_ identifier: String?) -> EmulatorResponse {
        guard let identifier, !identifier.isEmpty else {
            return .error(.forbidden, type: "Extension.MissingExtensionIdentifier", message: "the Lambda-Extension-Identifier header is missing; send the identifier register returned")
        }
        return .error(.forbidden, type: "Extension.InvalidExtensionIdentifier", message: "no registered extension has the identifier \(identifier)")
    }
}
