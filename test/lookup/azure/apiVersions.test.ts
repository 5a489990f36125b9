import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ARM_API_VERSIONS } from "../../../lookup/azure/live";

/** The REST API version `@pulumi/azure-native` declares a resource with ("Uses Azure REST API version ..." in its type docs). */
function pinnedVersion(module: string, file: string): string {
    const dir = path.dirname(require.resolve("@pulumi/azure-native/package.json"));
    const text = fs.readFileSync(path.join(dir, module, `${file}.d.ts`), "utf8");
    const m = /Uses Azure REST API version (\S+?)\.?\s/.exec(text);
    assert.ok(m, `${module}/${file}.d.ts names no REST API version`);
    return m[1];
}

// The lookups adopt what these resources declare: each lookup reads with a version no older than
// the provider's, so it sees every property the provider writes.
const ADOPTED = [
    ["extensions", "kubernetesconfiguration", "extension", "2023-05-01"],
    ["pricings", "security", "pricing", "2024-01-01"],
    ["securityOperators", "security", "securityOperator", "2023-01-01-preview"],
    ["roleAssignments", "authorization", "roleAssignment", "2022-04-01"],
    ["policyAssignments", "authorization", "policyAssignment", "2025-01-01"],
] as const;

describe("ARM api-versions of the lookups and of the @pulumi/azure-native pin", () => {
    it("the pin declares each adopted resource with the version docs/sources.md names", () => {
        assert.equal(
            JSON.parse(
                fs.readFileSync(
                    path.join(path.dirname(require.resolve("@pulumi/azure-native/package.json")), "package.json"),
                    "utf8",
                ),
            ).version,
            "3.28.0",
        );
        for (const [, module, file, version] of ADOPTED)
            assert.equal(pinnedVersion(module, file), version, `${module}/${file}`);
    });

    it("each lookup reads with a version no older than the one the provider writes with", () => {
        for (const [key, module, file] of ADOPTED) {
            const lookup = ARM_API_VERSIONS[key];
            const provider = pinnedVersion(module, file);
            assert.ok(
                lookup.slice(0, 10) >= provider.slice(0, 10),
                `${key}: lookup ${lookup} is older than ${provider}`,
            );
        }
    });

    it("only the security operators are read with a preview: their spec has no stable version", () => {
        assert.deepEqual(
            Object.entries(ARM_API_VERSIONS)
                .filter(([, v]) => v.endsWith("-preview"))
                .map(([k]) => k),
            ["securityOperators"],
        );
    });
});
