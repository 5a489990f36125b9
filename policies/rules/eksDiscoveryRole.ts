import {
    ACCESS_ENTRY_ACTIONS, AUDIENCE_CONDITION_KEY, DEFENDER_AUDIENCE, LEAST_PRIVILEGE_ACTIONS, MICROSOFT_ISSUER_HOST_PATH, ROLE_TAGS,
    SESSION_NAME_CONDITION_KEY, SESSION_NAME_PREFIX,
} from "../../components/aws/facts";
import { asList, parseDocument, Statement, statementLabel } from "../iamDocuments";
import { ResourceView, StackFinding, StackRule } from "../types";

/** SPEC §3: least privilege plus, at most, the access-entry actions of Microsoft's current default. */
export const ALLOWED_DISCOVERY_ACTIONS: readonly string[] = [...LEAST_PRIVILEGE_ACTIONS, ...ACCESS_ENTRY_ACTIONS];

const [purposeKey, purposeValue] = Object.entries(ROLE_TAGS)[0];

/** Roles the AWS stack marks as the discovery role. */
export function discoveryRoles(resources: readonly ResourceView[]): ResourceView[] {
    return resources.filter((r) => r.type === "aws:iam/role:Role" && r.inputs.tags?.[purposeKey] === purposeValue);
}

/** The role's name as a RolePolicy's `role` input refers to it (name, or the mock's id = name). */
function roleRefs(role: ResourceView): string[] {
    return [role.inputs.name, role.name].filter((x): x is string => typeof x === "string");
}

export const eksDiscoveryRoleActions: StackRule = {
    kind: "stack",
    name: "eks-discovery-role-actions",
    description: `The EKS discovery role may only do ${ALLOWED_DISCOVERY_ACTIONS.join(", ")}, on cluster ARNs, never "*".`,
    enforcementLevel: "mandatory",
    validateStack(resources) {
        const out: StackFinding[] = [];
        for (const role of discoveryRoles(resources)) {
            const refs = roleRefs(role);
            const docs: { resource: string; doc: unknown }[] = [];
            for (const p of resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && refs.includes(r.inputs.role))) {
                docs.push({ resource: p.name, doc: p.inputs.policy });
            }
            for (const p of Array.isArray(role.inputs.inlinePolicies) ? role.inputs.inlinePolicies : []) docs.push({ resource: role.name, doc: p?.policy });
            for (const a of resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && refs.includes(r.inputs.role))) {
                out.push({ resource: a.name, message: `attaches managed policy ${a.inputs.policyArn} to the discovery role; its permissions must be the inline least-privilege policy only` });
            }
            for (const arn of Array.isArray(role.inputs.managedPolicyArns) ? role.inputs.managedPolicyArns : []) {
                out.push({ resource: role.name, message: `attaches managed policy ${arn} to the discovery role` });
            }
            for (const { resource, doc } of docs) {
                for (const s of parseDocument(doc).statements) {
                    if (s.Effect === "Deny") continue;
                    for (const a of asList(s.Action)) {
                        if (!ALLOWED_DISCOVERY_ACTIONS.includes(a)) out.push({ resource, message: `the discovery role is granted "${a}", outside ${ALLOWED_DISCOVERY_ACTIONS.join(", ")}` });
                    }
                    for (const target of asList(s.Resource)) {
                        if (!/^arn:aws[\w-]*:eks:[a-z0-9-]+:\d{12}:(cluster|access-entry)\//.test(target)) {
                            out.push({ resource, message: `the discovery role's actions apply to "${target}"; expected the account's EKS cluster ARNs` });
                        }
                    }
                }
            }
        }
        return out;
    },
};

function trustProblems(statements: Statement[]): string[] {
    const allows = statements.filter((s) => s.Effect !== "Deny");
    if (allows.length === 0) return ["the trust policy allows nothing"];
    const out: string[] = [];
    allows.forEach((s, i) => {
        const where = statementLabel(s, i);
        const actions = asList(s.Action);
        if (actions.length !== 1 || actions[0] !== "sts:AssumeRoleWithWebIdentity") {
            out.push(`${where} allows ${JSON.stringify(s.Action)}; only sts:AssumeRoleWithWebIdentity is allowed`);
        }
        const principal = s.Principal as { Federated?: string | string[] } | string | undefined;
        const federated = typeof principal === "object" && principal ? asList(principal.Federated) : [];
        if (federated.length !== 1 || !federated[0].endsWith(`:oidc-provider/${MICROSOFT_ISSUER_HOST_PATH}`)) {
            out.push(`${where} trusts ${JSON.stringify(s.Principal)}; expected only the OIDC provider of ${MICROSOFT_ISSUER_HOST_PATH}`);
        }
        const eq = s.Condition?.StringEquals ?? {};
        const aud = asList(eq[AUDIENCE_CONDITION_KEY]);
        if (aud.length !== 1 || aud[0] !== DEFENDER_AUDIENCE) {
            out.push(`${where} lacks the condition StringEquals ${AUDIENCE_CONDITION_KEY} = ${DEFENDER_AUDIENCE}`);
        }
        const session = asList(eq[SESSION_NAME_CONDITION_KEY]);
        if (session.length !== 1 || !session[0].startsWith(SESSION_NAME_PREFIX)) {
            out.push(`${where} lacks the condition StringEquals ${SESSION_NAME_CONDITION_KEY} = ${SESSION_NAME_PREFIX}<tenant id>`);
        }
    });
    return out;
}

export const eksDiscoveryTrust: StackRule = {
    kind: "stack",
    name: "eks-discovery-trust",
    description: "The EKS discovery role trusts only web identity from Microsoft's issuer, with the audience and session-name conditions.",
    enforcementLevel: "mandatory",
    validateStack(resources) {
        const out: StackFinding[] = [];
        for (const role of discoveryRoles(resources)) {
            const doc = role.inputs.assumeRolePolicy;
            if (doc === "[secret]" || doc === "[unknown]") continue;
            const { statements, error } = parseDocument(doc);
            for (const message of error ? [error] : trustProblems(statements)) out.push({ resource: role.name, message });
        }
        return out;
    },
};
