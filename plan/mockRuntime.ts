import * as pulumi from "@pulumi/pulumi";
import { mockCallResult, MockContext, mockResourceState } from "./mockState";
import { LogLine, receiveLog } from "./mockEngine";

const { deserializeProperties, specialSecretSig, specialSigKey, unknownValue } = pulumi.runtime;

/**
 * Runs Pulumi code under the SDK's mock runtime and records every registered resource with its
 * type, name, parent and inputs: the engine behind `plan`, `gate` and the program tests.
 */

export interface PlanResource {
    type: string;
    name: string;
    /** Name of the parent resource; "" at the top of the stack. */
    parent: string;
    inputs: Record<string, unknown>;
    /** True for providers and other custom resources, false for components. */
    custom: boolean;
    /**
     * What `pulumi up` would do with it: create it, import an object that already exists (Pulumi's
     * `import` option, `importId` its cloud id), or only read it (`X.get`, nothing is managed).
     */
    op: PlanOp;
    importId?: string;
    /** The cloud id of a resource that is only read. */
    id?: string;
    /**
     * Pulumi's `retainOnDelete` option: `pulumi destroy` leaves the object in the cloud (set on what
     * is adopted from Defender, and on patches whose delete would remove others' fields). Present
     * only when set, so that every other resource's JSON stays as it was.
     */
    retainOnDelete?: true;
}

export type PlanOp = "create" | "import" | "read";

export const SECRET_PLACEHOLDER = "[secret]";
export const UNKNOWN_PLACEHOLDER = "[unknown]";
/** A dynamic resource's `__provider` input: its serialized provider code, tens of kilobytes. */
export const DYNAMIC_PROVIDER_PLACEHOLDER = "[dynamic provider]";

let knownSecrets: string[] = [];

/**
 * The secret config values (those given with --config, standing in for encrypted ones), so that a
 * document that became secret only because it embeds one can be printed with just that value
 * masked: reviewers and the gate still see the rest of the document.
 */
export function setKnownSecrets(values: readonly string[]): void {
    const variants = values.filter((v) => v.length >= 8).flatMap((v) => [v, v.replace(/-/g, "")]);
    knownSecrets = [...new Set(variants)].sort((a, b) => b.length - a.length);
}

/** A secret's plain text with every known secret masked, or "[secret]" when nothing is known in it. */
export function redactSecret(plain: unknown): unknown {
    if (typeof plain !== "string") return SECRET_PLACEHOLDER;
    let out = plain;
    for (const s of knownSecrets) out = out.split(s).join(SECRET_PLACEHOLDER);
    return out === plain ? SECRET_PLACEHOLDER : out;
}

/** Secrets become "[secret]": a plan is printed and pasted into reviews. */
export function renderValue(v: unknown): unknown {
    if (v === unknownValue) return UNKNOWN_PLACEHOLDER;
    if (Array.isArray(v)) return v.map(renderValue);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[specialSigKey] === specialSecretSig) return redactSecret(unwrapSecrets(o.value));
        const out: Record<string, unknown> = {};
        for (const [k, val] of Object.entries(o))
            out[k] = k === "__provider" && typeof val === "string" ? DYNAMIC_PROVIDER_PLACEHOLDER : renderValue(val);
        return out;
    }
    return v;
}

/** The plain value under secret wrappers, for the mocks' own computed state. */
export function unwrapSecrets(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[specialSigKey] === specialSecretSig) return unwrapSecrets(o.value);
        const out: Record<string, unknown> = {};
        for (const [k, val] of Object.entries(o)) out[k] = unwrapSecrets(val);
        return out;
    }
    return v;
}

/** The root resource the language host declares around the program; the plan leaves it out. */
export const STACK_TYPE = "pulumi:pulumi:Stack";

/** The name at the end of a URN; "" for none and for the root stack (the top of a plan). */
function nameFromUrn(urn: string): string {
    if (!urn || urn.split("::")[2]?.split("$").pop() === STACK_TYPE) return "";
    const i = urn.lastIndexOf("::");
    return i < 0 ? urn : urn.slice(i + 2);
}

export interface MockSession {
    resources: PlanResource[];
    /** What the mocks know of the stack; tests may set fields before declaring resources. */
    context: MockContext;
    /** Waits until every registration started so far has been answered. */
    settle(): Promise<void>;
    /** What the program logged through `pulumi.log` since the last take, in order. */
    takeLogs(): LogLine[];
}

let session: Promise<MockSession> | undefined;

/**
 * Installs the mocks once per process. Config must be set before (see `setStackConfig`), and the
 * program imported after, because Pulumi reads both at construction time.
 */
export function startMockSession(project: string, stack: string, ctx: MockContext = {}): Promise<MockSession> {
    // Two callers in the same tick share one start: the runtime is process-wide.
    return (session ??= start(project, stack, ctx));
}

async function start(project: string, stack: string, ctx: MockContext): Promise<MockSession> {
    const resources: PlanResource[] = [];
    const log = receiveLog();
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const { id, state } = mockResourceState(
                    args.type,
                    args.name,
                    unwrapSecrets(args.inputs) as Record<string, unknown>,
                    ctx,
                    args.id,
                );
                return { id, state };
            },
            call: (args) => mockCallResult(args.token, unwrapSecrets(args.inputs) as Record<string, unknown>, ctx),
        },
        project,
        stack,
        false,
    );

    // No public API tells a registration's parent, or an import from a read: Mocks.newResource gets
    // neither, and transforms need the engine's callback server. The mock monitor's requests carry
    // both, so its two methods are wrapped (docs/dependencies.md, "The mock layer").
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: RegisterRequest, cb: (err: unknown, res: unknown) => void): Promise<void>;
        readResource(req: ReadRequest, cb: (err: unknown, res: unknown) => void): Promise<void>;
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        if (req.getType() === STACK_TYPE) return original(req, cb);
        const importId = req.getImportid();
        const retain = req.getRetainondelete();
        resources.push({
            type: req.getType(),
            name: req.getName(),
            parent: nameFromUrn(req.getParent()),
            inputs: renderValue(deserializeProperties(req.getObject(), true)) as Record<string, unknown>,
            custom: req.getCustom(),
            op: importId ? "import" : "create",
            ...(importId ? { importId } : {}),
            ...(retain ? { retainOnDelete: true as const } : {}),
        });
        return original(req, cb);
    };
    const originalRead = monitor.readResource.bind(monitor);
    monitor.readResource = (req, cb) => {
        resources.push({
            type: req.getType(),
            name: req.getName(),
            parent: nameFromUrn(req.getParent()),
            inputs: renderValue(deserializeProperties(req.getProperties(), true)) as Record<string, unknown>,
            custom: true,
            op: "read",
            id: req.getId(),
        });
        return originalRead(req, cb);
    };

    // @internal in the SDK, and the only wait for outstanding registrations that leaves the runtime
    // usable (pulumi.runtime.disconnect() waits the same way, then closes it).
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    return {
        resources,
        context: ctx,
        settle: async () => {
            // Registrations chain: an apply resolves, then declares more. Drain until quiet.
            let before = -1;
            while (before !== resources.length) {
                before = resources.length;
                await settings.waitForRPCs();
                await new Promise((r) => setImmediate(r));
            }
        },
        takeLogs: () => log.take(),
    };
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getImportid(): string;
    /** Unset (undefined) unless the resource's options set `retainOnDelete`. */
    getRetainondelete(): boolean | undefined;
    getObject(): Parameters<typeof deserializeProperties>[0];
}

interface ReadRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getId(): string;
    getProperties(): Parameters<typeof deserializeProperties>[0];
}

/** Sets the stack's config as the Pulumi CLI would: `project:key` → string. */
export function setStackConfig(config: Record<string, string>, secretKeys: string[] = []): void {
    pulumi.runtime.setAllConfig(config, secretKeys);
}
