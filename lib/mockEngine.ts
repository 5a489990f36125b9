import * as http2 from "http2";
import type { AddressInfo } from "net";

/**
 * The Pulumi engine's side of the program's log, on loopback. Under the CLI, `pulumi.log.*` goes to
 * the engine over its gRPC `Engine` service (pulumi/proto `engine.proto`), which shows the message
 * and fails the update on an error. Under the SDK's mocks there is no engine and the log only
 * reaches the console, so the offline plan serves that service itself: the program's notes and
 * errors then travel the path they travel under `pulumi preview`, and no module of the program or
 * the library keeps them in a variable for the plan to read.
 *
 * It is a plain HTTP/2 server speaking gRPC's framing (a byte of flags, four of length, the
 * message), not a grpc-js server, so that it can be unref'd: a finished plan or test run must not
 * wait on it.
 */
export type Severity = "debug" | "info" | "warning" | "error";

export interface EngineLog {
    severity: Severity;
    message: string;
    /** The resource the message is about; "" for none. */
    urn: string;
}

export interface MockEngine {
    /** `host:port` on loopback, for the SDK's engine address option. */
    address: string;
    /** Every message received since the last take, in the order the program logged them. */
    take(): EngineLog[];
}

// pulumirpc.LogSeverity, in engine.proto's numbering.
const SEVERITIES: Record<number, Severity> = { 0: "debug", 1: "info", 2: "warning", 3: "error" };
const GRPC_OK = "0";
const GRPC_UNIMPLEMENTED = "12";

interface Message { serializeBinary(): Uint8Array }
interface EngineMessages {
    LogRequest: { deserializeBinary(b: Uint8Array): { getSeverity(): number; getMessage(): string; getUrn(): string } };
    SetRootResourceRequest: { deserializeBinary(b: Uint8Array): { getUrn(): string } };
    GetRootResourceResponse: new () => Message & { setUrn(urn: string): void };
    SetRootResourceResponse: new () => Message;
    RequirePulumiVersionResponse: new () => Message;
}

/** gRPC's length-prefixed frame around one message. */
function frame(message: Uint8Array): Buffer {
    const head = Buffer.alloc(5);
    head.writeUInt32BE(message.length, 1);
    return Buffer.concat([head, Buffer.from(message)]);
}

/** Serves the engine's Log and root-resource calls on 127.0.0.1, on a port the system picks. */
export async function startMockEngine(): Promise<MockEngine> {
    // The SDK's own generated messages: what its engine client sends and expects back.
    const proto = require("@pulumi/pulumi/proto/engine_pb") as EngineMessages;
    let logs: EngineLog[] = [];
    let rootUrn = "";
    const answer = (path: string, body: Uint8Array): Message | undefined => {
        switch (path) {
            case "/pulumirpc.Engine/Log": {
                const r = proto.LogRequest.deserializeBinary(body);
                logs.push({ severity: SEVERITIES[r.getSeverity()] ?? "info", message: r.getMessage(), urn: r.getUrn() });
                return { serializeBinary: () => new Uint8Array(0) }; // google.protobuf.Empty
            }
            case "/pulumirpc.Engine/SetRootResource":
                rootUrn = proto.SetRootResourceRequest.deserializeBinary(body).getUrn();
                return new proto.SetRootResourceResponse();
            case "/pulumirpc.Engine/GetRootResource": {
                const res = new proto.GetRootResourceResponse();
                res.setUrn(rootUrn);
                return res;
            }
            case "/pulumirpc.Engine/RequirePulumiVersion":
                // There is no CLI to compare a version range with.
                return new proto.RequirePulumiVersionResponse();
            default:
                return undefined;
        }
    };
    const server = http2.createServer();
    server.on("stream", (stream, headers) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
            const body = Buffer.concat(chunks);
            const reply = answer(String(headers[":path"]), body.subarray(5, 5 + (body.length >= 5 ? body.readUInt32BE(1) : 0)));
            if (!reply) {
                stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": GRPC_UNIMPLEMENTED, "grpc-message": `${headers[":path"]} is not served by the offline plan` }, { endStream: true });
                return;
            }
            stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
            stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": GRPC_OK }));
            stream.end(frame(reply.serializeBinary()));
        });
    });
    // A client's open connection must not keep the process alive either.
    server.on("session", (session) => session.socket.unref());
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    server.unref();
    return {
        address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
        take: () => {
            const out = logs;
            logs = [];
            return out;
        },
    };
}
