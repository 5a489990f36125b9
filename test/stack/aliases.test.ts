import { strict as assert } from "assert";
import * as containerservice from "@pulumi/azure-native/containerservice";
import { dropApiVersionAliases } from "../../stack/aliases";
import { registered } from "../helpers/pulumi";

describe("dropApiVersionAliases", () => {
    const run = (aliases: unknown[]) =>
        dropApiVersionAliases({
            type: "t",
            name: "n",
            props: {},
            opts: { aliases: aliases as never },
            resource: undefined as never,
        });

    it("drops the per-API-version type aliases azure-native adds", () => {
        const r = run([
            { type: "azure-native:containerservice/v20220402preview:TrustedAccessRoleBinding" },
            { type: "azure-native:containerservice/v20250501:TrustedAccessRoleBinding" },
        ]);
        assert.deepEqual(r?.opts.aliases, []);
    });

    it("keeps aliases a user wrote: names, parents, other type changes", () => {
        const mine = [
            { name: "old-name" },
            { type: "agentless:azure:Old" },
            "urn:pulumi:s::p::t::n",
            { type: "azure-native:containerservice/v20250501:TrustedAccessRoleBinding", name: "x" },
        ];
        const r = run([...mine, { type: "azure-native:security/v20230101:Pricing" }]);
        assert.deepEqual(r?.opts.aliases, mine);
        assert.equal(run([{ name: "only" }]), undefined);
    });

    it("applies to a real azure-native resource's options, which carry one alias per API version", async () => {
        let seen = 0;
        let kept = -1;
        await registered(
            () =>
                new containerservice.TrustedAccessRoleBinding(
                    "alias-probe",
                    {
                        resourceGroupName: "rg",
                        resourceName: "c",
                        roles: ["r"],
                        sourceResourceId: "s",
                    },
                    {
                        transformations: [
                            (args) => {
                                seen = args.opts.aliases?.length ?? 0;
                                const out = dropApiVersionAliases(args);
                                kept = out?.opts.aliases?.length ?? seen;
                                return out;
                            },
                        ],
                    },
                ),
        );
        assert.ok(seen > 10, `expected many version aliases, saw ${seen}`);
        assert.equal(kept, 0);
    });
});
