import type * as Eks from "@aws-sdk/client-eks";
import * as pulumi from "@pulumi/pulumi";
import { SerializedDynamicResource } from "../shared/dynamicResource";

/**
 * Turns on control-plane log types of an EKS cluster this stack does not own (docs/sources.md, AWS: Defender
 * reads `audit` and `authenticator` from CloudWatch), and on destroy turns off only what it turned on.
 *
 * A dynamic provider because no Pulumi resource can own part of an existing cluster's config: the
 * `aws.eks.Cluster` resource would own the whole cluster. The provider is serialized by Pulumi's
 * closure serializer (at build time, components/shared/dynamicResource.ts), so everything its
 * methods use lives in this file (plain functions, no imported bindings, no module-level SDK
 * client): the AWS SDK is `require`d inside the methods.
 * It runs with the ambient AWS credentials of whoever runs `pulumi up`, in the region of its inputs.
 */

export interface EksControlPlaneLoggingInputs {
    clusterName: pulumi.Input<string>;
    region: pulumi.Input<string>;
    /** Log types that must be on; types not listed are never touched. */
    logTypes: pulumi.Input<pulumi.Input<string>[]>;
    /** EKS API endpoint override; for tests against an emulator only. */
    endpoint?: pulumi.Input<string>;
}

/** Inputs and outputs as the provider sees them (plain values). */
export interface LoggingProps {
    clusterName: string;
    region: string;
    logTypes: string[];
    endpoint?: string;
}

export interface LoggingOutputs extends LoggingProps {
    /** Log types on now (at create, update or the last refresh). */
    enabledLogTypes: string[];
    /** Log types this resource turned on: the only ones delete turns off. */
    enabledByStack: string[];
}

/** One entry of `logging.clusterLogging` in UpdateClusterConfig. */
export interface LogSetup {
    types: string[];
    enabled: boolean;
}

/** The requested types that are not on yet, in request order, once each. */
export function typesToEnable(requested: readonly string[], enabled: readonly string[]): string[] {
    return [...new Set(requested)].filter((t) => !enabled.includes(t));
}

/** What delete turns off: the types this resource turned on that are still on. */
export function typesToDisable(enabledByStack: readonly string[], enabled: readonly string[]): string[] {
    return [...new Set(enabledByStack)].filter((t) => enabled.includes(t));
}

/**
 * The `clusterLogging` of an update that turns `on` on and `off` off. Types already on that stay on
 * are listed as enabled too: EKS applies the listed types only, so for it they are a no-op, and an
 * API that replaces the whole logging config (moto does) still keeps them on. Types that are off
 * and not in `on` are never listed. Empty when there is nothing to change (EKS refuses a no-op).
 */
export function loggingUpdate(
    enabledNow: readonly string[],
    on: readonly string[],
    off: readonly string[],
): LogSetup[] {
    if (on.length === 0 && off.length === 0) return [];
    const keepOn = [...new Set([...enabledNow, ...on])].filter((t) => !off.includes(t));
    const out: LogSetup[] = [];
    if (keepOn.length > 0) out.push({ types: keepOn, enabled: true });
    if (off.length > 0) out.push({ types: [...off], enabled: false });
    return out;
}

/** The types a DescribeCluster answer reports as on. */
export function enabledTypes(
    cluster: { logging?: { clusterLogging?: { types?: string[]; enabled?: boolean }[] } } | undefined,
): string[] {
    const out: string[] = [];
    for (const setup of cluster?.logging?.clusterLogging ?? []) {
        if (setup.enabled) for (const t of setup.types ?? []) if (!out.includes(t)) out.push(t);
    }
    return out;
}

export interface UpdateStatus {
    status?: string;
    errors?: { errorCode?: string; errorMessage?: string }[];
}

/**
 * Polls an EKS update until it is Successful; Failed or Cancelled throw with EKS's errors, and
 * so does a timeout. A `describe` that is not implemented (an emulator answering UnknownOperation,
 * or a 404 that is not EKS's ResourceNotFoundException) ends the wait: the caller then checks the
 * cluster's logging itself either way.
 */
export async function waitForUpdate(
    describe: () => Promise<UpdateStatus>,
    what: string,
    opts: { intervalMs: number; timeoutMs: number },
): Promise<"Successful" | "unsupported"> {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
        let u: UpdateStatus;
        try {
            u = await describe();
        } catch (e) {
            const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
            const unmodeled404 = err.$metadata?.httpStatusCode === 404 && err.name !== "ResourceNotFoundException";
            if (err.name === "UnknownOperationException" || err.name === "UnknownOperation" || unmodeled404)
                return "unsupported";
            throw e;
        }
        if (u.status === "Successful") return "Successful";
        if (u.status === "Failed" || u.status === "Cancelled") {
            const why = (u.errors ?? []).map((x) => `${x.errorCode ?? "error"}: ${x.errorMessage ?? ""}`).join("; ");
            throw new Error(`${what}: update ${u.status}${why ? ` (${why})` : ""}`);
        }
        if (Date.now() + opts.intervalMs > deadline)
            throw new Error(
                `${what}: update still ${u.status ?? "in progress"} after ${Math.round(opts.timeoutMs / 1000)} s`,
            );
        await new Promise((r) => setTimeout(r, opts.intervalMs));
    }
}

/** How long an update may take; EKS logging updates usually finish within a minute or two. */
export const UPDATE_WAIT = { intervalMs: 10_000, timeoutMs: 15 * 60_000 };

/** An EKS client in the resource's region (and, in tests, at the emulator's endpoint). */
export function eksClientFor(props: { region: string; endpoint?: string }): Eks.EKSClient {
    const { EKSClient } = require("@aws-sdk/client-eks") as typeof Eks;
    return new EKSClient({ region: props.region, ...(props.endpoint ? { endpoint: props.endpoint } : {}) });
}

async function describeLogging(eks: Eks.EKSClient, props: LoggingProps): Promise<string[]> {
    const { DescribeClusterCommand } = require("@aws-sdk/client-eks") as typeof Eks;
    const res = await eks.send(new DescribeClusterCommand({ name: props.clusterName }));
    return enabledTypes(res.cluster);
}

/**
 * Sends one logging update, waits for it, and returns the types on afterwards. The type names are
 * ones EKS reported or the stack asks for (domain/aws/facts.ts); EKS refuses any other.
 */
async function applyLogging(eks: Eks.EKSClient, props: LoggingProps, setups: LogSetup[]): Promise<string[]> {
    const { UpdateClusterConfigCommand, DescribeUpdateCommand } = require("@aws-sdk/client-eks") as typeof Eks;
    const what = `EKS cluster ${props.region}/${props.clusterName} control-plane logging`;
    const res = await eks.send(
        new UpdateClusterConfigCommand({
            name: props.clusterName,
            logging: { clusterLogging: setups as Eks.LogSetup[] },
        }),
    );
    const updateId: string | undefined = res.update?.id;
    if (updateId) {
        await waitForUpdate(
            async () => (await eks.send(new DescribeUpdateCommand({ name: props.clusterName, updateId }))).update ?? {},
            what,
            UPDATE_WAIT,
        );
    }
    // Without an update id (or a DescribeUpdate to ask), the cluster's own answer is the proof.
    const now = await describeLogging(eks, props);
    for (const s of setups) {
        const wrong = s.types.filter((t) => now.includes(t) !== s.enabled);
        if (wrong.length > 0)
            throw new Error(`${what}: ${wrong.join(", ")} still ${s.enabled ? "off" : "on"} after the update`);
    }
    return now;
}

export const loggingProvider: pulumi.dynamic.ResourceProvider<LoggingProps, LoggingOutputs> = {
    async create(inputs) {
        const eks = eksClientFor(inputs);
        try {
            const before = await describeLogging(eks, inputs);
            const missing = typesToEnable(inputs.logTypes, before);
            const after =
                missing.length > 0 ? await applyLogging(eks, inputs, loggingUpdate(before, missing, [])) : before;
            return {
                id: `${inputs.region}/${inputs.clusterName}`,
                outs: { ...inputs, enabledLogTypes: after, enabledByStack: missing },
            };
        } finally {
            eks.destroy();
        }
    },

    async read(id, props) {
        const eks = eksClientFor(props!);
        try {
            return { id, props: { ...props!, enabledLogTypes: await describeLogging(eks, props!) } };
        } finally {
            eks.destroy();
        }
    },

    async diff(_id, olds, news) {
        const replaces = (["clusterName", "region"] as const).filter((k) => olds[k] !== news[k]);
        const changed =
            replaces.length > 0 ||
            olds.endpoint !== news.endpoint ||
            JSON.stringify([...olds.logTypes].sort()) !== JSON.stringify([...news.logTypes].sort());
        return { changes: changed, replaces: [...replaces] };
    },

    async update(_id, olds, news) {
        const eks = eksClientFor(news);
        try {
            const before = await describeLogging(eks, news);
            const missing = typesToEnable(news.logTypes, before);
            // Types no longer asked for are turned off only if this resource turned them on.
            const dropped = typesToDisable(
                olds.enabledByStack.filter((t) => !news.logTypes.includes(t)),
                before,
            );
            const setups = loggingUpdate(before, missing, dropped);
            const after = setups.length > 0 ? await applyLogging(eks, news, setups) : before;
            const enabledByStack = [
                ...olds.enabledByStack.filter((t) => !dropped.includes(t) && news.logTypes.includes(t)),
                ...missing,
            ];
            return { outs: { ...news, enabledLogTypes: after, enabledByStack: [...new Set(enabledByStack)] } };
        } finally {
            eks.destroy();
        }
    },

    async delete(_id, props) {
        const eks = eksClientFor(props);
        try {
            const before = await describeLogging(eks, props);
            const off = typesToDisable(props.enabledByStack ?? [], before);
            if (off.length > 0) await applyLogging(eks, props, loggingUpdate(before, [], off));
        } finally {
            eks.destroy();
        }
    },
};

/** The control-plane log types `logTypes` on an existing EKS cluster; see the file comment. */
export class EksControlPlaneLogging extends SerializedDynamicResource {
    declare readonly clusterName: pulumi.Output<string>;
    declare readonly region: pulumi.Output<string>;
    declare readonly logTypes: pulumi.Output<string[]>;
    declare readonly enabledLogTypes: pulumi.Output<string[]>;
    declare readonly enabledByStack: pulumi.Output<string[]>;

    constructor(name: string, args: EksControlPlaneLoggingInputs, opts?: pulumi.CustomResourceOptions) {
        super(loggingProvider, name, { ...args, enabledLogTypes: undefined, enabledByStack: undefined }, opts);
    }
}
