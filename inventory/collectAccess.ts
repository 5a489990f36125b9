import { AWS_AUTH } from "../domain/aws/facts";
import { parseMapRoles } from "../domain/aws/awsAuth";
import { KubeApiError, KubeClient } from "../lib/kube/client";
import { AccessEvidence, AwsAuthRead, DefenderAccess, DefenderIdentities, defenderAccess } from "./defenderAccess";
import { finding, Finding, UnknownFinding } from "./findings";
import { ClusterIdentity } from "./schema";

const AWS_AUTH_PATH = `/api/v1/namespaces/${AWS_AUTH.namespace}/configmaps/${AWS_AUTH.name}`;

/**
 * One GET of `kube-system/aws-auth`. Inventory reads no ConfigMaps in bulk (inventory/kinds.ts);
 * this one holds role mappings, of which only the parsed `mapRoles` entries are used and none is stored.
 */
export async function readAwsAuth(client: KubeClient): Promise<AwsAuthRead> {
    let body: { data?: Record<string, unknown> } | null;
    try {
        body = await client.get<{ data?: Record<string, unknown> } | null>(AWS_AUTH_PATH);
    } catch (e) {
        if (e instanceof KubeApiError && e.status === 404) return { state: "absent" };
        return { state: "unreadable", reason: (e as Error).message };
    }
    const text = body?.data?.[AWS_AUTH.key];
    try {
        return { state: "read", mapRoles: parseMapRoles(typeof text === "string" ? text : undefined) };
    } catch (e) {
        return { state: "unreadable", reason: (e as Error).message };
    }
}

/**
 * Decides Defender's access for a cluster whose kinds are read, and adds the finding: raised when
 * access is missing, neither raised nor cleared (unknown) when the evidence could not be read.
 */
export async function judgeAccess(
    client: KubeClient,
    identity: ClusterIdentity,
    evidence: AccessEvidence,
    unread: ReadonlySet<string>,
    findings: Finding[],
    unknown: UnknownFinding[],
    ids?: DefenderIdentities,
): Promise<DefenderAccess> {
    const source = identity.source;
    const cloud = source !== "kubeconfig" ? source : evidence.nodeCloud;
    const awsAuth = cloud === "aws" ? await readAwsAuth(client) : undefined;
    const verdict = defenderAccess({ source, cloudFacts: identity.cloud, evidence, unread, awsAuth }, ids);
    const subject = { kind: "Cluster", name: "cluster" };
    if (verdict.state === "missing") {
        findings.push(
            finding(
                "defender-access-missing",
                subject,
                `Defender's discovery identity cannot read this cluster: ${verdict.reason}; ${verdict.remedy}`,
            ),
        );
        findings.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    } else if (verdict.state === "unknown" && verdict.cloud !== null) {
        // A cluster of no known cloud can never have the finding; only a cloud cluster's is left open.
        unknown.push({
            id: finding("defender-access-missing", subject, "").id,
            rule: "defender-access-missing",
            reason: verdict.reason,
        });
    }
    return verdict;
}
