"use strict";
/**
 * The SDK floor of the plan benchmark: the resources a plan printed (BENCH_SDK_FLOOR_PLAN, the
 * JSON of `plan --format json`), declared again with the same provider classes, names, parents,
 * inputs and options, in the same order, by a program that looks nothing up, judges nothing and
 * prints nothing. What this costs under the mock runtime is the Pulumi SDK's own work for those
 * resources; what `plan` costs beyond it is the project's (reading the cloud-state file,
 * selection, notes, the policy rules, the plan's JSON).
 */
const fs = require("fs");
const pulumi = require("@pulumi/pulumi");
// The program drops azure-native's per-API-version aliases (stack/aliases.ts); the floor does too,
// or it would measure 70 alias chains per resource that the program never pays for.
const { dropApiVersionAliases } = require("../dist/stack/aliases");

const plan = JSON.parse(fs.readFileSync(process.env.BENCH_SDK_FLOOR_PLAN, "utf8"));

/**
 * The class of a type token: `azure-native:containerservice:TrustedAccessRoleBinding` in
 * @pulumi/azure-native/containerservice, `aws:eks/accessEntry:AccessEntry` in @pulumi/aws/eks,
 * `kubernetes:rbac.authorization.k8s.io/v1:ClusterRole` in @pulumi/kubernetes/rbac/v1.
 */
function providerClass(type) {
    const [pkg, mod, name] = type.split(":");
    let Class;
    // Each package's own provider module: its index would load every module of the package.
    if (pkg === "pulumi" && mod === "providers") Class = require(`@pulumi/${name}/provider`).Provider;
    else if (pkg === "kubernetes") {
        const [group, version] = mod.split("/");
        Class = require(`@pulumi/kubernetes/${group.split(".")[0]}/${version}`)[name];
    } else Class = require(`@pulumi/${pkg}/${mod.split("/")[0]}`)[name];
    if (typeof Class !== "function") throw new Error(`the SDK floor has no class for ${type}`);
    return Class;
}

const declared = new Map();
for (const r of plan.resources) {
    const opts = { transformations: [dropApiVersionAliases] };
    if (r.parent) opts.parent = declared.get(r.parent);
    if (r.retainOnDelete) opts.retainOnDelete = true;
    if (r.op === "import") opts.import = r.importId;
    let res;
    if (r.type.split(":")[0] === "agentless") {
        res = new pulumi.ComponentResource(r.type, r.name, {}, opts);
    } else if (r.type === "pulumi-nodejs:dynamic:Resource") {
        // A dynamic resource's class is the program's; its registration is the SDK's CustomResource.
        res = new pulumi.CustomResource(r.type, r.name, r.inputs, opts);
    } else {
        const Class = providerClass(r.type);
        // A read (an aws-auth ConfigMap) is declared as a create: its answer would need the cloud
        // state the floor does not read, and the SDK's work to register it is alike.
        res = new Class(r.name, r.inputs, opts);
    }
    declared.set(r.name, res);
}
for (const res of declared.values()) if (res instanceof pulumi.ComponentResource) res.registerOutputs({});
