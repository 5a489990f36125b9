import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { planJson, ROOT } from "../helpers/cli";

/**
 * Every import id the example plans carry, on every cloud, checked against the format its provider
 * documents: the "## Import" section of the resource's doc comment in the `.d.ts` shipped in
 * node_modules, parsed here, where it holds one; for the types whose section holds none, the
 * format named in UNDOCUMENTED with its source (docs/sources.md, "Import ids"). The id is rebuilt
 * from the resource's own inputs, so an id that names another object than the one declared fails too.
 */

const STACKS = ["aws-brownfield", "aws-dev", "azure-brownfield", "azure-dev", "gcp-brownfield", "gcp-dev", "k8s-dev"];
const PULUMI = path.join(ROOT, "node_modules", "@pulumi");

interface PlanResource {
    type: string;
    name: string;
    op: string;
    importId?: string;
    inputs: Record<string, unknown>;
}
interface Imported extends PlanResource {
    stack: string;
    /** The region of the stack's AWS provider (pulumi:providers:aws), if it has one. */
    awsProviderRegion?: string;
}

/** The `.d.ts` of a resource type: the module file whose class registers that type token. */
function declarationOf(type: string): string {
    const [pkg, module] = type.split(":");
    const dir = path.join(PULUMI, pkg, module.split("/")[0]);
    const js = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".js"))
        .find((f) => fs.readFileSync(path.join(dir, f), "utf8").includes(`static __pulumiType = '${type}';`));
    assert.ok(js, `no module of ${dir} registers ${type}`);
    return path.join(dir, js.replace(/\.js$/, ".d.ts"));
}

/** The text of the "## Import" section of the resource class's doc comment, without the ` * ` margins. */
function importSection(dts: string): string | undefined {
    const start = dts.indexOf(" * ## Import");
    if (start < 0) return undefined;
    const end = dts.indexOf(" */", start);
    return dts
        .slice(start, end)
        .split("\n")
        .map((l) => l.replace(/^ \* ?/, ""))
        .join("\n");
}

/** What a documented section says an import id is made of. */
type Documented =
    { kind: "fields"; fields: string[]; separator: string } | { kind: "templates"; templates: string[] } | undefined;

/**
 * Two shapes occur in the shipped docs. @pulumi/aws: "import Access Entries using `clusterName` and
 * `principalArn` separated by a colon (`:`)". @pulumi/gcp: a list of accepted formats,
 * "`projects/{{project}}/locations/global/workloadIdentityPools/{{workload_identity_pool_id}}`".
 */
function documentedFormat(section: string): Documented {
    const prose = /import [^\n]*? using ((?:`\w+`(?:, and |, | and |,? ))+)separated by [^(]*\(`([^`]+)`\)/.exec(
        section,
    );
    if (prose) {
        const fields = [...prose[1].matchAll(/`(\w+)`/g)].map((m) => m[1]);
        return { kind: "fields", fields, separator: prose[2] };
    }
    if (/can be imported using any of these accepted formats/.test(section)) {
        const templates = [...section.matchAll(/^\* `([^`]+)`$/gm)].map((m) => m[1]);
        if (templates.length) return { kind: "templates", templates };
    }
    return undefined;
}

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** A template's `{{name}}` or `{name}` placeholders filled from the inputs (snake_case names as camelCase). */
function fill(template: string, values: Record<string, unknown>): string | undefined {
    let missing = false;
    const out = template.replace(/\{\{?(\w+)\}?\}/g, (_, name: string) => {
        const v = values[name] ?? values[camel(name)];
        if (typeof v !== "string") missing = true;
        return String(v);
    });
    return missing ? undefined : out;
}

/**
 * Types whose shipped "## Import" section holds no id format (the @pulumi/azure-native `.d.ts` have no
 * such section at all), each with the format it is checked against instead and where that comes from.
 * Azure ids are ARM resource ids: the path of the resource's PUT in azure-rest-api-specs at the
 * api-version its `.d.ts` names; `{subscriptionId}` is no input, so it only has to be one path segment.
 */
const UNDOCUMENTED: Record<string, { format: string; source: string }> = {
    "azure-native:security:SecurityConnector": {
        format: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Security/securityConnectors/{securityConnectorName}",
        source: "azure-rest-api-specs security/.../preview/2024-08-01-preview/securityConnectors.json",
    },
    "azure-native:security:Pricing": {
        format: "/{scopeId}/providers/Microsoft.Security/pricings/{pricingName}",
        source: "azure-rest-api-specs security/.../stable/2024-01-01/pricings.json",
    },
    "azure-native:security:SecurityOperator": {
        format: "/subscriptions/{subscriptionId}/providers/Microsoft.Security/pricings/{pricingName}/securityOperators/{securityOperatorName}",
        source: "azure-rest-api-specs security/.../preview/2023-01-01-preview/securityOperators.json",
    },
    "azure-native:authorization:RoleAssignment": {
        format: "/{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
        source: "azure-rest-api-specs authorization/.../stable/2022-04-01/authorization-RoleAssignmentsCalls.json",
    },
    "azure-native:kubernetesconfiguration:Extension": {
        format: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{clusterRp}/{clusterResourceName}/{clusterName}/providers/Microsoft.KubernetesConfiguration/extensions/{extensionName}",
        source: "azure-rest-api-specs kubernetesconfiguration/.../stable/2023-05-01/extensions.json",
    },
    "azure-native:containerservice:TrustedAccessRoleBinding": {
        format: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerService/managedClusters/{resourceName}/trustedAccessRoleBindings/{trustedAccessRoleBindingName}",
        source: "@azure/arm-containerservice (node_modules) trustedAccessRoleBindings operations, checked below",
    },
    "gcp:projects/iAMCustomRole:IAMCustomRole": {
        format: "projects/{project}/roles/{roleId}",
        source: "pulumi-gcp registry docs of projects.IAMCustomRole; the IAM API's Role.name (google/iam/admin/v1/iam.proto)",
    },
    "gcp:serviceaccount/account:Account": {
        format: "projects/{project}/serviceAccounts/{email}",
        source: "pulumi-gcp registry docs of serviceaccount.Account; the IAM API's ServiceAccount.name",
    },
    "gcp:projects/iAMMember:IAMMember": {
        format: "{project} {role} {member}",
        source: "terraform-provider-google google_project_iam import docs (the shipped section shows only the binding form)",
    },
    "gcp:serviceaccount/iAMMember:IAMMember": {
        format: "{serviceAccountId} {role} {member}",
        source: "the shipped section's google_service_account_iam_member example without its condition title",
    },
};

/** AWS v7: a resource in a region other than its provider's is imported as `<id>@<region>` (docs/sources.md). */
function regionSuffix(r: Imported): string {
    const region = r.inputs.region;
    return typeof region === "string" && region !== r.awsProviderRegion ? `@${region}` : "";
}

function expectedIds(r: Imported): string[] {
    const section = importSection(fs.readFileSync(declarationOf(r.type), "utf8"));
    const documented = section ? documentedFormat(section) : undefined;
    if (documented?.kind === "fields") {
        const parts = documented.fields.map((f) => r.inputs[f]);
        assert.ok(
            parts.every((p) => typeof p === "string"),
            `${r.type} ${r.name}: inputs ${documented.fields.join(", ")}`,
        );
        return [parts.join(documented.separator) + regionSuffix(r)];
    }
    if (documented?.kind === "templates")
        return documented.templates.map((t) => fill(t, r.inputs)).filter((t): t is string => t !== undefined);
    const undocumented = UNDOCUMENTED[r.type];
    assert.ok(undocumented, `${r.type} has no import format in its .d.ts and none in UNDOCUMENTED`);
    const values: Record<string, unknown> = { ...r.inputs };
    if (r.type === "gcp:serviceaccount/account:Account")
        values.email = `${String(r.inputs.accountId)}@${String(r.inputs.project)}.iam.gserviceaccount.com`;
    const pattern = undocumented.format
        .split(/(\{\w+\})/)
        .map((part) => {
            const m = /^\{(\w+)\}$/.exec(part);
            if (!m) return escape(part);
            const v = values[m[1]];
            return typeof v === "string" ? escape(v.replace(/^\//, "")) : m[1] === "subscriptionId" ? "[^/]+" : "(?!)";
        })
        .join("");
    return [`re:^${pattern}$`];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function importedResources(): Promise<Imported[]> {
    const plans = await Promise.all(STACKS.map((s) => planJson(s)));
    return plans.flatMap((res, i) => {
        assert.equal(res.code, 0, `${STACKS[i]}: ${res.stderr}`);
        const doc = JSON.parse(res.stdout) as { resources: PlanResource[] };
        const aws = doc.resources.find((r) => r.type === "pulumi:providers:aws");
        return doc.resources
            .filter((r) => r.op === "import")
            .map((r) => ({
                ...r,
                stack: STACKS[i],
                ...(typeof aws?.inputs.region === "string" ? { awsProviderRegion: aws.inputs.region } : {}),
            }));
    });
}

describe("import ids of the example plans follow the providers' documented formats", function () {
    this.timeout(180_000);

    it("parses both shapes of the shipped sections", () => {
        const entry = importSection(fs.readFileSync(declarationOf("aws:eks/accessEntry:AccessEntry"), "utf8"))!;
        assert.deepEqual(documentedFormat(entry), {
            kind: "fields",
            fields: ["clusterName", "principalArn"],
            separator: ":",
        });
        const association = importSection(
            fs.readFileSync(declarationOf("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"), "utf8"),
        )!;
        assert.deepEqual(documentedFormat(association), {
            kind: "fields",
            fields: ["clusterName", "principalArn", "policyArn"],
            separator: "#",
        });
        const pool = importSection(
            fs.readFileSync(declarationOf("gcp:iam/workloadIdentityPool:WorkloadIdentityPool"), "utf8"),
        )!;
        assert.deepEqual(documentedFormat(pool), {
            kind: "templates",
            templates: [
                "projects/{{project}}/locations/global/workloadIdentityPools/{{workload_identity_pool_id}}",
                "{{project}}/{{workload_identity_pool_id}}",
                "{{workload_identity_pool_id}}",
            ],
        });
    });

    it("lists exactly the imported types whose shipped docs hold no format as UNDOCUMENTED, each with its source", async () => {
        const types = [...new Set((await importedResources()).map((r) => r.type))].sort();
        const withoutFormat = types.filter((t) => {
            const section = importSection(fs.readFileSync(declarationOf(t), "utf8"));
            return !section || !documentedFormat(section);
        });
        assert.deepEqual(withoutFormat, Object.keys(UNDOCUMENTED).sort());
        // The one ARM path shipped in node_modules: the AKS SDK's own URL template.
        const ops = fs.readFileSync(
            path.join(
                ROOT,
                "node_modules/@azure/arm-containerservice/dist/commonjs/api/trustedAccessRoleBindings/operations.js",
            ),
            "utf8",
        );
        assert.ok(
            ops.includes(
                `"${UNDOCUMENTED["azure-native:containerservice:TrustedAccessRoleBinding"].format}{?api%2Dversion}"`,
            ),
        );
    });

    it("gives every import on every cloud the id its provider documents, with @<region> outside the AWS provider's region", async () => {
        const imported = await importedResources();
        assert.deepEqual([...new Set(imported.map((r) => r.stack))].sort(), [
            "aws-brownfield",
            "azure-brownfield",
            "gcp-brownfield",
        ]);
        const wrong = imported.flatMap((r) => {
            const expected = expectedIds(r);
            const ok = expected.some((e) =>
                e.startsWith("re:") ? new RegExp(e.slice(3)).test(r.importId!) : e === r.importId,
            );
            return ok ? [] : [`${r.stack} ${r.type} ${r.name}: ${r.importId} is not ${expected.join(" or ")}`];
        });
        assert.deepEqual(wrong, []);
        // The same cluster name in two regions: two objects, two ids.
        const shopEntries = imported.filter((r) => r.name.endsWith("-eks-shop-entry")).map((r) => r.importId);
        assert.equal(new Set(shopEntries).size, 2, shopEntries.join(", "));
    });
});
