import { PolicyPack } from "@pulumi/policy";
import { toCrossGuard } from "./crossguard";
import { RULES } from "./rules";

// The CrossGuard pack for `pulumi preview --policy-pack policies`. Enforcement of any rule can be
// changed with `--policy-pack-config <file>` (`{ "<rule>": "advisory" }`), the same file format
// that `npm run gate -- --policy-config <file>` reads.
new PolicyPack("agentless-discovery", {
    description: "Least privilege and safe defaults for agentless discovery onboarding",
    policies: RULES.map(toCrossGuard),
});
