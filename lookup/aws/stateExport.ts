/**
 * The `aws` section of a cloud-state file, written from what the program's AWS lookups were
 * answered (`lookup/recorder.ts`): the inverse of `lookup/aws/stateFile.ts`, so that the file
 * answers each of those lookups as the cloud did. Lists are sorted and documents kept as parsed
 * JSON, so that the same cloud always gives the same text (`lookup/stateExport.ts`).
 */
import { callsOf, RecordedCall } from "../recorder";
import { DiscoveredEksCluster, ExistingAccessEntry, ExistingOidcProvider, ExistingRole, RolePolicies } from "./port";
import { accessPolicyArn, EKS_ACCESS_POLICIES } from "../../domain/aws/facts";
import { byKey } from "../stateExport";

/** An access policy by its name where the file's short form says the same ARN; else its ARN. */
function accessPolicy(arn: string, region: string): string {
    return EKS_ACCESS_POLICIES.find((p) => accessPolicyArn(p, region) === arn) ?? arn;
}

const parsed = (json: string): unknown => JSON.parse(json);

export function awsStateSection(calls: readonly RecordedCall[]): Record<string, unknown> {
    const clusters = new Map<
        string,
        Record<string, unknown> & { name: string; region: string; accessEntries: unknown[] }
    >();
    for (const c of callsOf(calls, "listClusters")) {
        for (const d of c.answer as DiscoveredEksCluster[]) {
            clusters.set(`${d.region}/${d.name}`, {
                name: d.name,
                region: d.region,
                arn: d.arn,
                authenticationMode: d.authenticationMode,
                endpoint: {
                    publicAccess: d.endpoint.publicAccess,
                    privateAccess: d.endpoint.privateAccess,
                    publicAccessCidrs: d.endpoint.publicAccessCidrs,
                },
                enabledLogTypes: d.enabledLogTypes,
                tags: d.tags,
                accessEntries: [],
            });
        }
    }
    for (const c of callsOf(calls, "findAccessEntry")) {
        const e = c.answer as ExistingAccessEntry | undefined;
        const cluster = c.args[0] as DiscoveredEksCluster;
        if (!e) continue;
        clusters.get(`${cluster.region}/${cluster.name}`)?.accessEntries.push({
            principalArn: e.principalArn,
            type: e.type,
            kubernetesGroups: e.kubernetesGroups,
            tags: e.tags,
            // The file lists access policies by name or ARN; the order of associations carries no meaning.
            accessPolicies: e.clusterScopePolicyArns.map((a) => accessPolicy(a, cluster.region)).sort(),
        });
    }
    const policies = new Map<string, RolePolicies>();
    for (const c of callsOf(calls, "rolePolicies")) {
        const p = c.answer as RolePolicies | undefined;
        if (p) policies.set(c.args[0] as string, p);
    }
    const roles = new Map<string, Record<string, unknown>>();
    for (const c of callsOf(calls, "findRole")) {
        const r = c.answer as ExistingRole | undefined;
        if (!r) continue;
        const p = policies.get(r.name);
        roles.set(r.name, {
            name: r.name,
            arn: r.arn,
            tags: r.tags,
            ...(r.trustPolicy !== undefined ? { trustPolicy: parsed(r.trustPolicy) } : {}),
            ...(p
                ? {
                      policies: {
                          inline: byKey(
                              p.inline.map((i) => ({ name: i.name, document: parsed(i.document) })),
                              (i) => i.name,
                          ),
                          attached: byKey(
                              p.attached.map((a) => ({ arn: a.arn, document: parsed(a.document) })),
                              (a) => a.arn,
                          ),
                      },
                  }
                : {}),
        });
    }
    const oidc = callsOf(calls, "findOidcProvider")
        .map((c) => c.answer as ExistingOidcProvider | undefined)
        .find((o) => o !== undefined);
    return {
        clusters: byKey(
            [...clusters.values()].map((c) => ({
                ...c,
                accessEntries: byKey(c.accessEntries as { principalArn: string }[], (e) => e.principalArn),
            })),
            (c) => `${c.region}/${c.name}`,
        ),
        roles: byKey([...roles.values()], (r) => r.name as string),
        ...(oidc ? { oidcProvider: { arn: oidc.arn, clientIds: oidc.clientIds, tags: oidc.tags } } : {}),
    };
}
