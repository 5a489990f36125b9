/**
 * The facts the rules judge by, written out here as literals. The pack is its own package
 * (`pulumi policy publish`) and must not widen when a component's constant widens: a pull request
 * that loosens a component is judged by the base branch's copy of these lists. Sources: docs/sources.md (Azure, AWS, GCP)
 * and docs/policies.md. test/policies/eksDiscoveryRole.test.ts ("the pack's own facts") checks that the components stay inside them.
 */

/** docs/sources.md, AWS: least privilege, plus at most the access-entry actions of Microsoft's current default. */
export const EKS_DISCOVERY_ACTIONS: readonly string[] = [
    "eks:UpdateClusterConfig",
    "eks:DescribeCluster",
    "eks:CreateAccessEntry",
    "eks:ListAccessEntries",
    "eks:AssociateAccessPolicy",
    "eks:ListAssociatedAccessPolicies",
];
/** Access policies a discovery role may associate with its own entry: read-only ones. */
export const EKS_READ_ACCESS_POLICIES: readonly string[] = ["AmazonEKSViewPolicy", "AmazonEKSAdminViewPolicy"];

/** The tag by which the AWS stack marks its discovery role. */
export const ROLE_PURPOSE_TAG = { key: "agentless-discovery:purpose", value: "defender-discovery" } as const;

export const MICROSOFT_ISSUER_HOST_PATH = "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/";
export const AUDIENCE_CONDITION_KEY = `${MICROSOFT_ISSUER_HOST_PATH}:aud`;
export const DEFENDER_AUDIENCE = "api://6610e979-c931-41ec-adc7-b9920c9d52f1";
export const SESSION_NAME_CONDITION_KEY = "sts:RoleSessionName";
export const SESSION_NAME_PREFIX = "MicrosoftDefenderForClouds_";

/** docs/sources.md, AWS: Defender's discovery service ranges. */
export const DEFENDER_CIDRS: readonly string[] = ["172.212.245.192/28", "48.209.1.192/28"];

/** docs/sources.md, Azure: built-in role Defender Kubernetes API Access, and the trusted access role. */
export const AKS_DISCOVERY_ROLE_GUID = "d5a2ae44-610b-4500-93be-660a0c5f5ca6";
export const TRUSTED_ACCESS_ROLE = "Microsoft.Security/pricings/microsoft-defender-operator";

/** docs/sources.md, GCP: MDCGkeClusterWriteRole's one permission, and the custom-role resource types. */
export const GKE_WRITE_ROLE_PERMISSIONS: readonly string[] = ["container.clusters.update"];
export const GCP_CUSTOM_ROLE_TYPES: readonly string[] = [
    "gcp:projects/iAMCustomRole:IAMCustomRole",
    "gcp:organizations/iAMCustomRole:IAMCustomRole",
];

/** An exact SemVer chart version (no range, no tag). */
export const EXACT_CHART_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** docs/sources.md, Azure: DINE policy "Configure Azure Kubernetes Service clusters to enable Defender profile". */
export const DEFENDER_PROFILE_POLICY_GUID = "64def556-fbad-4622-930e-72d1d5589bf5";
/** docs/sources.md, sensor: the Helm chart of Microsoft's Helm route. */
export const SENSOR_HELM_CHART = "oci://mcr.microsoft.com/azuredefender/microsoft-defender-for-containers";

/**
 * The config key by which a stack acknowledges a wider grant, and the kinds of wider grant the
 * gate knows (docs/policies.md, "Wider grants"). config/widerGrants.ts validates the key's values
 * against the same kinds; test/policies/widerGrants.test.ts checks that the two lists agree.
 */
export const WIDER_GRANTS_CONFIG_KEY = "agentless-discovery:acknowledgedWiderGrants";
export const WIDER_GRANT_KINDS: readonly string[] = [
    "eks-access-policy",
    "eks-access-entry-groups",
    "eks-system-masters",
    "eks-adopted-role",
    "eks-adopted-trust",
    "gke-inventory-role",
    "gcp-organization-scope",
];
/** docs/sources.md, AWS: the one access policy that lists and reads objects except Secrets. */
export const EKS_VIEW_POLICY = "AmazonEKSViewPolicy";
/** docs/sources.md, GCP: Microsoft's optional inventory role (container.secrets.list). */
export const GKE_INVENTORY_ROLE_ID = "MDCGkeContainerInventoryCollectionRole";
/** docs/sources.md, Gatekeeper: the chart's name in the open-policy-agent repository. */
export const GATEKEEPER_HELM_CHART = "gatekeeper";
