/**
 * The wider grants a stack may acknowledge (`agentless-discovery:acknowledgedWiderGrants`), by the
 * cloud whose stack can make them. The policy pack restates the kinds in policies/facts.ts (it
 * imports nothing of the project); test/policies/widerGrants.test.ts checks that both agree.
 * docs/policies.md, "Wider grants", describes each kind and its key.
 */
export const WIDER_GRANT_KINDS_BY_CLOUD = {
    aws: {
        "eks-access-policy": "<region>/<cluster>:<access policy>",
        "eks-access-entry-groups": "<region>/<cluster>",
        "eks-system-masters": "<region>/<cluster>",
        "eks-adopted-role": "<role name>",
        "eks-adopted-trust": "<role name>",
    },
    gcp: {
        "gke-inventory-role": "projects/<project id> or organizations/<organization id>",
        "gcp-organization-scope": "<organization id>",
    },
    azure: {},
} as const satisfies Record<string, Record<string, string>>;

export const WIDER_GRANTS_KEY = "acknowledgedWiderGrants";
