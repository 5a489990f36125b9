import { parse } from "yaml";
import { ResourceRule } from "../types";

export const awsAuthNoSystemMasters: ResourceRule = {
    kind: "resource",
    name: "aws-auth-no-system-masters",
    description: "aws-auth maps the discovery role to a read-only group, not to system:masters (cluster-admin).",
    enforcementLevel: "advisory",
    validate(r) {
        if (!r.type.startsWith("kubernetes:core/v1:ConfigMap") || r.inputs.metadata?.name !== "aws-auth") return [];
        const text = r.inputs.data?.mapRoles;
        if (typeof text !== "string") return [];
        let entries: unknown;
        try {
            entries = parse(text);
        } catch {
            return ["mapRoles is not valid YAML"];
        }
        if (!Array.isArray(entries)) return [];
        return entries
            .filter((e) => Array.isArray(e?.groups) && e.groups.includes("system:masters"))
            .map((e) => `maps ${e.rolearn} to system:masters, which is cluster-admin`);
    },
};
