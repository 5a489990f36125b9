import { createHash } from "crypto";
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { parse } from "yaml";
import { sampleAwsAuthMapRoles } from "../../../plan/mockState";

// The stand-in providers' own store (plain JavaScript, so that a plugin starts without a loader).
const cloud = createRequire(__filename)("../../../tools/engines/providers/cloudStore") as CloudStore;

export interface CloudRecord {
    package: string;
    type: string;
    scope: string;
    id: string;
    props: Record<string, unknown>;
    outputs: Record<string, unknown>;
}

interface CloudStore {
    load(root: string, pkg: string, type: string, scope: string, id: string): CloudRecord | undefined;
    store(
        root: string,
        pkg: string,
        type: string,
        scope: string,
        id: string,
        props: Record<string, unknown>,
        outputs?: Record<string, unknown>,
    ): void;
    remove(root: string, pkg: string, type: string, scope: string, id: string): void;
    list(root: string): CloudRecord[];
}

/** The simulated cloud of one engine run: what the stand-in providers read, create and delete. */
export class SimulatedCloud {
    constructor(readonly root: string) {}
    put(
        pkg: string,
        type: string,
        scope: string,
        id: string,
        props: Record<string, unknown>,
        outputs: Record<string, unknown> = {},
    ): void {
        cloud.store(this.root, pkg, type, scope, id, props, outputs);
    }
    get(pkg: string, type: string, scope: string, id: string): CloudRecord | undefined {
        return cloud.load(this.root, pkg, type, scope, id);
    }
    remove(pkg: string, type: string, scope: string, id: string): void {
        cloud.remove(this.root, pkg, type, scope, id);
    }
    list(): CloudRecord[] {
        return cloud.list(this.root);
    }
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/** ARM's spelling of an offering field, and the Pulumi property the azure-native provider reads it into. */
function armToPulumi(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(armToPulumi);
    if (v && typeof v === "object")
        return Object.fromEntries(
            Object.entries(v as Obj).map(([k, x]) => [
                k === "mdcContainersAgentlessDiscoveryK8s" ? "mdcContainersAgentlessDiscoveryK8S" : k,
                armToPulumi(x),
            ]),
        );
    return v;
}

/**
 * A security connector as azure-native's Read returns its inputs: the ARM body's input properties
 * (projectDetails.workloadIdentityPoolId is read-only in the provider's schema, so it is no input).
 */
function seedConnectors(sim: SimulatedCloud, state: Obj): void {
    for (const c of arr(state.securityConnectors)) {
        const id = String(c.id);
        const m = /resourceGroups\/([^/]+)\/providers\/Microsoft\.Security\/securityConnectors\/([^/]+)$/.exec(id)!;
        const environmentData = armToPulumi(c.environmentData) as Obj;
        const details = obj(environmentData.projectDetails);
        if (environmentData.projectDetails) {
            const { workloadIdentityPoolId: _readOnly, ...inputs } = details;
            environmentData.projectDetails = inputs;
        }
        sim.put("azure-native", "azure-native:security:SecurityConnector", "", id, {
            environmentData,
            environmentName: c.environmentName,
            hierarchyIdentifier: c.hierarchyIdentifier,
            location: c.location,
            offerings: armToPulumi(c.offerings),
            resourceGroupName: m[1],
            securityConnectorName: m[2],
        });
    }
}

function seedAws(sim: SimulatedCloud, aws: Obj): void {
    const account = String(aws.accountId ?? "");
    const oidc = obj(aws.oidcProvider);
    if (oidc.arn) {
        const arn = String(oidc.arn);
        sim.put("aws", "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "", arn, {
            arn,
            url: arn.slice(arn.indexOf("oidc-provider/") + "oidc-provider/".length),
            clientIdLists: oidc.clientIds ?? [],
        });
    }
    for (const r of arr(aws.roles)) {
        const name = String(r.name);
        sim.put("aws", "aws:iam/role:Role", "", name, {
            name,
            ...(r.trustPolicy ? { assumeRolePolicy: JSON.stringify(r.trustPolicy) } : {}),
        });
    }
    for (const c of arr(aws.clusters)) {
        const region = String(c.region);
        const clusterName = String(c.name);
        seedEksCluster(sim, c, account);
        for (const e of arr(c.accessEntries)) {
            const principalArn = String(e.principalArn);
            // The AWS provider's documented import id: cluster_name:principal_arn (region: the provider's, or @region).
            sim.put("aws", "aws:eks/accessEntry:AccessEntry", region, `${clusterName}:${principalArn}`, {
                clusterName,
                principalArn,
                region,
                type: e.type ?? "STANDARD",
            });
            for (const p of (e.accessPolicies as string[] | undefined) ?? []) {
                const policyArn = `arn:aws:eks::aws:cluster-access-policy/${p}`;
                sim.put(
                    "aws",
                    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
                    region,
                    `${clusterName}#${principalArn}#${policyArn}`,
                    { accessScope: { type: "cluster" }, clusterName, policyArn, principalArn, region },
                );
            }
        }
        if (c.authenticationMode !== "API") {
            // A cluster that reads aws-auth has one: the node groups' roles at least (the offline plan's sample where the file says nothing).
            const mapRoles =
                typeof c.awsAuth === "object" ? String(obj(c.awsAuth).mapRoles) : sampleAwsAuthMapRoles(account);
            sim.put("kubernetes", "kubernetes:core/v1:ConfigMap", `${region}-${clusterName}`, "kube-system/aws-auth", {
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: { name: "aws-auth", namespace: "kube-system" },
                data: { mapRoles },
            });
        }
    }
}

/**
 * An EKS cluster as `eks:DescribeCluster` describes it, in the input property names of
 * `aws.eks.Cluster` (what the stand-in's `aws:eks/getCluster:getCluster` answer reads back,
 * tools/engines/providers/eksCluster.js). The endpoint and the CA are not in the cloud-state file:
 * made up in their documented shapes (an `https://<32 hex>.<zone>.<region>.eks.amazonaws.com` URL,
 * base64 PEM data).
 */
function seedEksCluster(sim: SimulatedCloud, c: Obj, account: string): void {
    const region = String(c.region);
    const name = String(c.name);
    const endpoint = obj(c.endpoint);
    const host = createHash("sha256").update(`${region}/${name}`).digest("hex").slice(0, 32).toUpperCase();
    sim.put(
        "aws",
        "aws:eks/cluster:Cluster",
        region,
        name,
        {
            name,
            region,
            accessConfig: { authenticationMode: c.authenticationMode, bootstrapClusterCreatorAdminPermissions: false },
            enabledClusterLogTypes: c.enabledLogTypes ?? [],
            tags: c.tags ?? {},
            vpcConfig: {
                endpointPrivateAccess: endpoint.privateAccess ?? false,
                endpointPublicAccess: endpoint.publicAccess ?? true,
                publicAccessCidrs: endpoint.publicAccessCidrs ?? ["0.0.0.0/0"],
            },
        },
        {
            arn: c.arn ?? `arn:aws:eks:${region}:${account}:cluster/${name}`,
            endpoint: `https://${host}.gr7.${region}.eks.amazonaws.com`,
            certificateAuthority: { data: Buffer.from(`CA of ${region}/${name}`).toString("base64") },
            status: "ACTIVE",
        },
    );
}

function seedAzure(sim: SimulatedCloud, az: Obj): void {
    const sub = String(az.subscriptionId);
    for (const p of arr(az.pricings)) {
        sim.put(
            "azure-native",
            "azure-native:security:Pricing",
            "",
            `/subscriptions/${sub}/providers/Microsoft.Security/pricings/${p.name}`,
            {
                extensions: Object.entries(obj(p.extensions)).map(([name, on]) => ({
                    isEnabled: on ? "True" : "False",
                    name,
                })),
                pricingName: p.name,
                pricingTier: p.pricingTier,
                scopeId: `subscriptions/${sub}`,
            },
        );
    }
    for (const o of arr(az.securityOperators)) {
        sim.put(
            "azure-native",
            "azure-native:security:SecurityOperator",
            "",
            `/subscriptions/${sub}/providers/Microsoft.Security/pricings/${o.pricingName}/securityOperators/${o.name}`,
            { pricingName: o.pricingName, securityOperatorName: o.name },
            { identity: { principalId: o.principalId, type: "SystemAssigned" } },
        );
    }
    for (const a of arr(az.roleAssignments)) {
        const id = String(a.id);
        sim.put("azure-native", "azure-native:authorization:RoleAssignment", "", id, {
            principalId: a.principalId,
            principalType: a.principalType,
            roleAssignmentName: id.split("/").pop(),
            roleDefinitionId: a.roleDefinitionId,
            scope: a.scope,
        });
    }
    for (const c of arr(az.aksClusters)) {
        const id = String(c.id);
        const [, , , , rg, , , , name] = id.split("/");
        for (const b of arr(c.trustedAccessRoleBindings)) {
            sim.put(
                "azure-native",
                "azure-native:containerservice:TrustedAccessRoleBinding",
                "",
                `${id}/trustedAccessRoleBindings/${b.name}`,
                {
                    resourceGroupName: rg,
                    resourceName: name,
                    roles: b.roles,
                    sourceResourceId: b.sourceResourceId,
                    trustedAccessRoleBindingName: b.name,
                },
            );
        }
    }
    for (const c of arr(az.arcClusters)) {
        const id = String(c.id);
        const [, , , , rg, , , , name] = id.split("/");
        for (const e of arr(c.extensions)) {
            sim.put(
                "azure-native",
                "azure-native:kubernetesconfiguration:Extension",
                "",
                `${id}/providers/Microsoft.KubernetesConfiguration/extensions/${e.name}`,
                {
                    autoUpgradeMinorVersion: e.autoUpgradeMinorVersion,
                    clusterName: name,
                    clusterResourceName: "connectedClusters",
                    clusterRp: "Microsoft.Kubernetes",
                    ...(e.configurationSettings ? { configurationSettings: e.configurationSettings } : {}),
                    extensionName: e.name,
                    extensionType: e.extensionType,
                    ...(e.identityType ? { identity: { type: e.identityType } } : {}),
                    ...(e.releaseTrain ? { releaseTrain: e.releaseTrain } : {}),
                    resourceGroupName: rg,
                    ...(e.releaseNamespace ? { scope: { cluster: { releaseNamespace: e.releaseNamespace } } } : {}),
                },
            );
        }
    }
}

function seedGcp(sim: SimulatedCloud, gcp: Obj): void {
    for (const [project, p] of Object.entries(obj(gcp.projects))) {
        const proj = obj(p);
        for (const r of arr(proj.customRoles)) {
            sim.put("gcp", "gcp:projects/iAMCustomRole:IAMCustomRole", "", `projects/${project}/roles/${r.roleId}`, {
                description: r.description ?? "",
                permissions: r.permissions,
                project,
                roleId: r.roleId,
                stage: r.stage ?? "GA",
                title: r.title,
            });
        }
        for (const s of arr(proj.serviceAccounts)) {
            const email = `${s.accountId}@${project}.iam.gserviceaccount.com`;
            const saId = `projects/${project}/serviceAccounts/${email}`;
            sim.put("gcp", "gcp:serviceaccount/account:Account", "", saId, {
                accountId: s.accountId,
                description: s.description ?? "",
                disabled: s.disabled ?? false,
                displayName: s.displayName ?? "",
                project,
            });
            for (const g of arr(s.grants)) {
                // The provider's documented import id: "<service account id> <role> <member>".
                sim.put("gcp", "gcp:serviceaccount/iAMMember:IAMMember", "", `${saId} ${g.role} ${g.member}`, {
                    member: g.member,
                    role: g.role,
                    serviceAccountId: saId,
                });
            }
        }
        for (const g of arr(proj.grants)) {
            sim.put("gcp", "gcp:projects/iAMMember:IAMMember", "", `${project} ${g.role} ${g.member}`, {
                member: g.member,
                project,
                role: g.role,
            });
        }
        for (const pool of arr(proj.workloadIdentityPools)) {
            const poolId = `projects/${project}/locations/global/workloadIdentityPools/${pool.poolId}`;
            sim.put("gcp", "gcp:iam/workloadIdentityPool:WorkloadIdentityPool", "", poolId, {
                description: pool.description ?? "",
                disabled: pool.disabled ?? false,
                displayName: pool.displayName ?? "",
                project,
                workloadIdentityPoolId: pool.poolId,
            });
            for (const pr of arr(pool.providers)) {
                sim.put(
                    "gcp",
                    "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
                    "",
                    `${poolId}/providers/${pr.providerId}`,
                    {
                        attributeMapping: pr.attributeMapping,
                        description: pr.description ?? "",
                        disabled: pr.disabled ?? false,
                        displayName: pr.displayName ?? "",
                        oidc: { allowedAudiences: pr.allowedAudiences, issuerUri: pr.issuerUri },
                        project,
                        workloadIdentityPoolId: pool.poolId,
                        workloadIdentityPoolProviderId: pr.providerId,
                    },
                );
            }
        }
    }
}

/**
 * Seeds the simulated cloud from a stack's cloud-state file (the same file the offline plan reads):
 * every object the file describes that the stack may adopt, under the id and in the shape the real
 * provider's Read answers (its "## Import" id format, its input property names).
 */
export function seedFromCloudState(sim: SimulatedCloud, stateFile: string, awsAccountId?: string): void {
    const state = obj(parse(fs.readFileSync(stateFile, "utf8")));
    seedConnectors(sim, state);
    if (state.aws) seedAws(sim, { accountId: awsAccountId, ...obj(state.aws) });
    if (state.azure) seedAzure(sim, obj(state.azure));
    if (state.gcp) seedGcp(sim, obj(state.gcp));
    fs.mkdirSync(path.join(sim.root), { recursive: true });
}
