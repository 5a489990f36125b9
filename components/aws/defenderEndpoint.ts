import type * as Eks from "@aws-sdk/client-eks";
import * as pulumi from "@pulumi/pulumi";
import { cidrContains } from "../../domain/aws/endpointAccess";
import { eksClientFor, UPDATE_WAIT, waitForUpdate } from "./controlPlaneLogging";
import { SerializedDynamicResource } from "../shared/dynamicResource";

/**
 * Opens an EKS cluster's API endpoint to Defender, on a cluster this stack does not own (the
 * explicit opt-in aws.overrides."<region>/<name>".defenderEndpointAccess). Defender does not open a
 * private endpoint itself; Microsoft's network article says a restricted public endpoint must be
 * enabled with its CIDRs (docs/sources.md, "EKS network").
 *
 * - create: adds Defender's CIDRs to `publicAccessCidrs`, keeping every CIDR already there; a
 *   private-only endpoint gets a public endpoint restricted to Defender's CIDRs (private access stays on);
 * - delete: restores what was there before: the CIDRs this resource added are removed (CIDRs added
 *   by others since are kept), and a public endpoint it enabled is disabled again.
 *
 * A dynamic provider for the same reason as EksControlPlaneLogging (controlPlaneLogging.ts): no
 * Pulumi resource can own part of an existing cluster's config. The AWS SDK is `require`d inside
 * the methods; the helpers it uses are plain functions without state.
 */

export interface DefenderEndpointInputs {
    clusterName: pulumi.Input<string>;
    region: pulumi.Input<string>;
    /** The CIDRs Defender reaches the API server from. */
    cidrs: pulumi.Input<pulumi.Input<string>[]>;
    /** EKS API endpoint override; for tests against an emulator only. */
    endpoint?: pulumi.Input<string>;
}

export interface EndpointProps {
    clusterName: string;
    region: string;
    cidrs: string[];
    endpoint?: string;
}

/** The endpoint settings of a cluster, as DescribeCluster reports them. */
export interface VpcEndpoint {
    publicAccess: boolean;
    privateAccess: boolean;
    publicAccessCidrs: string[];
}

export interface EndpointOutputs extends EndpointProps {
    /** The settings before create: what delete restores. */
    before: VpcEndpoint;
    /** CIDRs this resource added: the only ones delete removes. */
    addedCidrs: string[];
    /** True when the endpoint was private-only and this resource enabled public access. */
    enabledPublicAccess: boolean;
}

/** What create changes: the settings to send (undefined when Defender already gets in) and what it adds. */
export function openFor(
    now: VpcEndpoint,
    cidrs: readonly string[],
): { next?: VpcEndpoint; added: string[]; enabledPublicAccess: boolean } {
    if (!now.publicAccess) {
        return {
            next: { publicAccess: true, privateAccess: true, publicAccessCidrs: [...cidrs] },
            added: [...cidrs],
            enabledPublicAccess: true,
        };
    }
    const added = cidrs.filter((d) => !now.publicAccessCidrs.some((c) => cidrContains(c, d)));
    if (added.length === 0) return { added: [], enabledPublicAccess: false };
    return {
        next: { ...now, publicAccessCidrs: [...now.publicAccessCidrs, ...added] },
        added,
        enabledPublicAccess: false,
    };
}

/** What delete sends to undo `openFor` (undefined when there is nothing to undo). */
export function restoreFrom(
    now: VpcEndpoint,
    out: Pick<EndpointOutputs, "before" | "addedCidrs" | "enabledPublicAccess">,
): VpcEndpoint | undefined {
    const others = now.publicAccessCidrs.filter((c) => !out.addedCidrs.includes(c));
    if (out.enabledPublicAccess) {
        if (!now.publicAccess) return undefined;
        // Someone allowed other CIDRs since: they rely on the public endpoint, so only ours go.
        if (others.length > 0) return { ...now, publicAccessCidrs: others };
        return { publicAccess: false, privateAccess: true, publicAccessCidrs: [...out.before.publicAccessCidrs] };
    }
    if (others.length === now.publicAccessCidrs.length) return undefined;
    return { ...now, publicAccessCidrs: others.length > 0 ? others : [...out.before.publicAccessCidrs] };
}

/** The endpoint settings of a DescribeCluster answer. */
export function vpcEndpoint(
    cluster:
        | {
              resourcesVpcConfig?: {
                  endpointPublicAccess?: boolean;
                  endpointPrivateAccess?: boolean;
                  publicAccessCidrs?: string[];
              };
          }
        | undefined,
): VpcEndpoint {
    const v = cluster?.resourcesVpcConfig ?? {};
    const cidrs = v.publicAccessCidrs ?? [];
    return {
        publicAccess: v.endpointPublicAccess !== false,
        privateAccess: v.endpointPrivateAccess === true,
        publicAccessCidrs: cidrs.length > 0 ? [...cidrs] : ["0.0.0.0/0"],
    };
}

async function describe(eks: Eks.EKSClient, props: EndpointProps): Promise<VpcEndpoint> {
    const { DescribeClusterCommand } = require("@aws-sdk/client-eks") as typeof Eks;
    return vpcEndpoint((await eks.send(new DescribeClusterCommand({ name: props.clusterName }))).cluster);
}

/** Sends the endpoint settings, waits for the update, and checks the cluster's own answer. */
async function apply(eks: Eks.EKSClient, props: EndpointProps, next: VpcEndpoint): Promise<VpcEndpoint> {
    const { UpdateClusterConfigCommand, DescribeUpdateCommand } = require("@aws-sdk/client-eks") as typeof Eks;
    const what = `EKS cluster ${props.region}/${props.clusterName} API endpoint`;
    const res = await eks.send(
        new UpdateClusterConfigCommand({
            name: props.clusterName,
            resourcesVpcConfig: {
                endpointPublicAccess: next.publicAccess,
                endpointPrivateAccess: next.privateAccess,
                publicAccessCidrs: next.publicAccessCidrs,
            },
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
    const now = await describe(eks, props);
    const missing = next.publicAccess ? next.publicAccessCidrs.filter((c) => !now.publicAccessCidrs.includes(c)) : [];
    if (now.publicAccess !== next.publicAccess || missing.length > 0) {
        throw new Error(
            `${what}: the cluster reports public access ${now.publicAccess} with ${now.publicAccessCidrs.join(", ")} after the update`,
        );
    }
    return now;
}

export const endpointProvider: pulumi.dynamic.ResourceProvider<EndpointProps, EndpointOutputs> = {
    async create(inputs) {
        const eks = eksClientFor(inputs);
        try {
            const before = await describe(eks, inputs);
            const plan = openFor(before, inputs.cidrs);
            if (plan.next) await apply(eks, inputs, plan.next);
            return {
                id: `${inputs.region}/${inputs.clusterName}`,
                outs: { ...inputs, before, addedCidrs: plan.added, enabledPublicAccess: plan.enabledPublicAccess },
            };
        } finally {
            eks.destroy();
        }
    },

    async diff(_id, olds, news) {
        const replaces = (["clusterName", "region"] as const).filter((k) => olds[k] !== news[k]);
        // New CIDRs: replace, so that delete undoes the old resource's changes before create adds the new ones.
        if (JSON.stringify([...olds.cidrs].sort()) !== JSON.stringify([...news.cidrs].sort()))
            replaces.push("cidrs" as never);
        return {
            changes: replaces.length > 0 || olds.endpoint !== news.endpoint,
            replaces: [...replaces],
            deleteBeforeReplace: true,
        };
    },

    async update(_id, olds, news) {
        return { outs: { ...olds, endpoint: news.endpoint } };
    },

    async delete(_id, props) {
        const eks = eksClientFor(props);
        try {
            const now = await describe(eks, props);
            const next = restoreFrom(now, props);
            if (next) await apply(eks, props, next);
        } finally {
            eks.destroy();
        }
    },
};

/** Defender's CIDRs on an existing EKS cluster's public endpoint; see the file comment. */
export class EksDefenderEndpointAccess extends SerializedDynamicResource {
    declare readonly clusterName: pulumi.Output<string>;
    declare readonly region: pulumi.Output<string>;
    declare readonly addedCidrs: pulumi.Output<string[]>;
    declare readonly enabledPublicAccess: pulumi.Output<boolean>;

    constructor(name: string, args: DefenderEndpointInputs, opts?: pulumi.CustomResourceOptions) {
        super(
            endpointProvider,
            name,
            { ...args, before: undefined, addedCidrs: undefined, enabledPublicAccess: undefined },
            opts,
        );
    }
}
