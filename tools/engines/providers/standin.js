"use strict";
// A stand-in resource provider for the engine suite (test/engines/pulumi/): it speaks Pulumi's
// provider protocol through @pulumi/pulumi/provider's main() (Check, Diff, Create, Read, Update,
// Delete, Invoke) for one package (aws, azure-native, gcp, kubernetes), against a simulated cloud:
// a folder ($AGENTLESS_STANDIN_CLOUD, laid out by cloudStore.js) that holds one object per file,
// keyed by the package, the scope the real provider resolves the id in (the AWS region of a regional
// object, the cluster of a Kubernetes object) and the id. A test seeds it and changes it between two runs.
//
// What it models of the real providers (docs/verification.md, "Pulumi engine"):
// - Read by an id that does not exist answers no id, which the engine reports as "does not exist"
//   for an import or a get, as the real providers do;
// - an AWS id ending in "@<region>" is resolved in that region, any other regional id in the
//   provider's configured region (the AWS provider's documented import format);
// - Diff compares every input, so an import whose inputs differ from the cloud's is a difference;
// - aws.eks.getCluster is answered from the simulated cloud (eksCluster.js), a GCP project's number
//   comes from the simulated cloud, and the kubernetes package constructs the Helm v4 Chart
//   component (helmChart.js).
// What it does not model: the clouds' own validation and defaults beyond what the seed holds.
const { randomBytes } = require("crypto");
const path = require("path");
const cloud = require("./cloudStore");
const { getCluster } = require("./eksCluster");
const helmChart = require("./helmChart");

const [, , pkg, version] = process.argv;
if (!pkg || !version) {
    console.error("usage: standin.js <package> <version> [engine address]");
    process.exit(2);
}
const root = process.env.AGENTLESS_STANDIN_CLOUD;
if (!root) {
    console.error("AGENTLESS_STANDIN_CLOUD is not set: the stand-in provider needs its simulated cloud folder");
    process.exit(2);
}
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const { main } = require("@pulumi/pulumi/provider");
const { mockResourceState } = require(path.join(__dirname, "..", "..", "..", "dist", "plan", "mockState.js"));

const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }));
const provproto = require("@pulumi/pulumi/proto/provider_pb");

/** The engine's marker of a value not known until the operation runs. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The provider configuration the engine sends with Configure (the provider resource's inputs). */
let config = {};

// The SDK's provider server covers the protocol except what the real providers do beyond it: it
// drops the configuration, assumes every request carries its old properties (an import's Read and
// Check carry none), and cannot preview. These wrappers add that, around the SDK's own handlers.
const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service, impl) {
    const configure = impl.configure.bind(impl);
    impl.configure = (call, callback) => {
        const args = call.request.getArgs();
        if (args) config = args.toJavaScript();
        for (const [k, v] of call.request.getVariablesMap().entries()) {
            const key = k.split(":").pop();
            if (!(key in config)) config[key] = v;
        }
        // Previews of Create and Update are answered here (below), computed outputs unknown, as
        // the real providers answer them.
        configure(call, (err, resp) => {
            if (resp) resp.setSupportspreview(true);
            callback(err, resp);
        });
    };
    const withEmpty = (name, getter, setter) => {
        const original = impl[name].bind(impl);
        impl[name] = (call, callback) => {
            if (!call.request[getter]()) call.request[setter](Struct.fromJavaScript({}));
            return original(call, callback);
        };
    };
    withEmpty("read", "getProperties", "setProperties");
    withEmpty("check", "getOlds", "setOlds");
    diffAgainstOldInputs(impl);
    notFoundWithoutProperties(impl);
    for (const [name, propsGetter] of [
        ["create", "getProperties"],
        ["update", "getNews"],
    ]) {
        const original = impl[name].bind(impl);
        impl[name] = (call, callback) => {
            if (!call.request.getPreview()) return original(call, callback);
            const urn = call.request.getUrn();
            const props = call.request[propsGetter]().toJavaScript();
            const made = computed(typeOf(urn), urn, inputsOf(props));
            const outs = { ...props };
            for (const [k, v] of Object.entries(made.outputs)) outs[k] = unknownIn(v, plain(props[k]));
            const resp = name === "create" ? new provproto.CreateResponse() : new provproto.UpdateResponse();
            if (name === "create") resp.setId("");
            resp.setProperties(Struct.fromJavaScript(outs));
            callback(undefined, resp);
        };
    }
    return addService.call(this, service, impl);
};

/**
 * The real providers diff the program's new inputs against the old inputs, never against the old
 * outputs: azure-native's Diff takes the request's old inputs (or the state's `__inputs`), so an
 * output the cloud fills in inside an input object (a policy assignment's identity.principalId) is
 * no change (docs/sources.md, "Pulumi engine"). The SDK's server hands `diff` the old outputs only;
 * this gives it the old inputs the engine sends, which a refresh has replaced by what Read found.
 */
function diffAgainstOldInputs(impl) {
    const original = impl.diff.bind(impl);
    impl.diff = (call, callback) => {
        const oldInputs = call.request.getOldInputs();
        if (oldInputs) call.request.setOlds(oldInputs);
        return original(call, callback);
    };
}

/**
 * An object that does not exist is a Read answer with no id and no properties, as azure-native
 * answers a 404 (`ReadResponse{Id: ""}`): the engine then reports "resource '<id>' does not exist"
 * for an import, and drops the object from the state on a refresh. The SDK's server always sets
 * properties, which the engine takes for a provider that cannot import.
 */
function notFoundWithoutProperties(impl) {
    const original = impl.read.bind(impl);
    impl.read = (call, callback) =>
        original(call, (err, resp) => {
            if (resp && !resp.getId()) {
                resp.clearProperties();
                resp.clearInputs();
            }
            callback(err, resp);
        });
}

/** `computed` as a preview sees it: what the inputs already say stays, what the cloud adds is unknown. */
function unknownIn(computedValue, input) {
    if (
        input &&
        typeof input === "object" &&
        !Array.isArray(input) &&
        computedValue &&
        typeof computedValue === "object"
    )
        return Object.fromEntries(
            Object.entries(computedValue).map(([k, v]) => [k, same(v, input[k]) ? v : unknownIn(v, input[k])]),
        );
    return UNKNOWN;
}

/** "aws:eks/accessEntry:AccessEntry" from a URN. */
function typeOf(urn) {
    const qualified = urn.split("::")[2];
    return qualified.split("$").pop();
}

// AWS types whose objects live in one region (everything but IAM).
function awsRegional(type) {
    return !type.startsWith("aws:iam/");
}

/** Where an object with this id lives, as the real provider resolves it: [scope, id]. */
function locate(type, id) {
    if (pkg === "aws" && awsRegional(type)) {
        const at = id.lastIndexOf("@");
        if (at > 0 && /^[a-z]{2}(-[a-z]+)+-\d$/.test(id.slice(at + 1))) return [id.slice(at + 1), id.slice(0, at)];
        return [config.region || "", id];
    }
    if (pkg === "kubernetes") return [config.clusterIdentifier || "", id];
    return ["", id];
}

/**
 * Where an object in the state lives: an AWS regional object in the region its state names (the
 * AWS provider's `region` argument, set when it was made or imported), whatever the provider's.
 */
function locateInState(type, id, state) {
    const [scope, bare] = locate(type, id);
    if (pkg === "aws" && awsRegional(type) && state && state.region) return [state.region, bare];
    return [scope, bare];
}

function load(type, scope, id) {
    return cloud.load(root, pkg, type, scope, id);
}
function store(type, scope, id, props, outputs) {
    cloud.store(root, pkg, type, scope, id, props, outputs);
}

/**
 * The id and computed outputs the real provider gives an object with these inputs (the documented
 * id formats and output properties, as the offline plan's mock models them: plan/mockState.ts), in
 * the account, subscription or project this provider instance is configured for.
 */
function computed(type, urn, inputs) {
    const ctx = pkg === "gcp" ? { gcpProjectNumbers: gcpProjectNumbers() } : {};
    mockResourceState(`pulumi:providers:${pkg}`, "provider", config, ctx);
    const { id, state } = mockResourceState(type, urn.split("::").pop(), inputs, ctx);
    const outputs = {};
    // What the cloud adds: properties the inputs lack, and inputs it fills in (an identity's principal id).
    for (const [k, v] of Object.entries(state)) if (!same(v, inputs[k])) outputs[k] = v;
    return { id, outputs };
}

/**
 * The number of each GCP project of the simulated cloud, by project id: what the real provider's
 * computed names carry (a workload identity pool's `name` is `projects/<number>/locations/global/...`,
 * node_modules/@pulumi/gcp/iam/workloadIdentityPool.d.ts), where the mock would make one up.
 */
function gcpProjectNumbers() {
    const out = {};
    for (const o of cloud.list(root))
        if (o.type === "gcp:organizations/project:Project") out[o.props.projectId] = o.props.number;
    return out;
}

/** A secret input arrives wrapped; the cloud holds the plain value (as a real cloud does). */
function plain(v) {
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === "object") {
        if (v["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return plain(v.value);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    }
    return v;
}

function same(a, b) {
    return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
function canonical(v) {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === "object")
        return Object.fromEntries(
            Object.keys(v)
                .sort()
                .map((k) => [k, canonical(v[k])]),
        );
    return v;
}

/** The inputs a resource's id is made of: a change to one of them replaces it, as in the real providers. */
const IDENTITY = [
    "name",
    "clusterName",
    "principalArn",
    "policyArn",
    "roleId",
    "accountId",
    "project",
    "region",
    "resourceGroupName",
    "resourceName",
    "securityConnectorName",
    "roleAssignmentName",
    "workloadIdentityPoolId",
    "workloadIdentityPoolProviderId",
    "extensionName",
    "pricingName",
    "securityOperatorName",
    "metadata",
];

/** Strips the engine's own bookkeeping keys from inputs. */
function inputsOf(props) {
    const out = {};
    for (const [k, v] of Object.entries(plain(props))) if (!k.startsWith("__")) out[k] = v;
    return out;
}

/** A Kubernetes object's id, as the Kubernetes provider spells it: "<namespace>/<name>", or "<name>". */
function newId(type, urn, inputs) {
    const md = inputs.metadata || {};
    const name = md.name || `${urn.split("::").pop()}-${randomBytes(4).toString("hex")}`;
    return md.namespace ? `${md.namespace}/${name}` : name;
}

/** A Log Analytics workspace of the simulated cloud, by the arguments of azure-native's workspace functions. */
function workspace(args) {
    const sub = args.subscriptionId || config.subscriptionId;
    const id = `/subscriptions/${sub}/resourceGroups/${args.resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/${args.workspaceName}`;
    const found = load("azure-native:operationalinsights:Workspace", "", id);
    // ARM's answer for a workspace that does not exist, as the provider reports it.
    if (!found) throw new Error(`ResourceNotFound: The Resource '${id}' was not found.`);
    return found.props;
}

/** The functions (data sources) the program calls, answered from the simulated cloud. */
const INVOKES = {
    "azure-native:operationalinsights:getWorkspace": (args) => {
        const ws = { ...workspace(args) };
        // The keys are not part of the workspace: only getSharedKeys answers them.
        delete ws.primarySharedKey;
        delete ws.secondarySharedKey;
        return ws;
    },
    "azure-native:operationalinsights:getSharedKeys": (args) => {
        const ws = workspace(args);
        return { primarySharedKey: ws.primarySharedKey, secondarySharedKey: ws.secondarySharedKey };
    },
    "aws:eks/getCluster:getCluster": (args) => getCluster(load, config.region, args),
};

const provider = {
    version,
    async check(urn, olds, news) {
        return { inputs: news };
    },
    async diff(id, urn, olds, news) {
        const a = inputsOf(olds);
        const b = inputsOf(news);
        // Outputs the cloud computed are not inputs the program could have changed.
        const outputOnly = new Set(Object.keys(computed(typeOf(urn), urn, b).outputs).filter((k) => !(k in b)));
        const keys = [...new Set([...Object.keys(a).filter((k) => !outputOnly.has(k)), ...Object.keys(b)])].filter(
            (k) => !same(a[k], b[k]),
        );
        return {
            changes: keys.length > 0,
            replaces: keys.filter((k) => IDENTITY.includes(k)),
            deleteBeforeReplace: false,
        };
    },
    async create(urn, inputs) {
        const type = typeOf(urn);
        const props = inputsOf(inputs);
        const made = computed(type, urn, props);
        let [scope, id] = locate(type, pkg === "kubernetes" ? newId(type, urn, props) : made.id);
        // An AWS object made with its own region lives there, whatever the provider's region.
        if (pkg === "aws" && awsRegional(type) && props.region) scope = props.region;
        store(type, scope, id, props, made.outputs);
        return { id, outs: { ...props, ...made.outputs } };
    },
    async read(id, urn, state) {
        const type = typeOf(urn);
        let [scope, bare] = locate(type, id);
        // A refresh reads an AWS object in the region its state names, as the AWS provider does.
        if (pkg === "aws" && awsRegional(type) && state && state.region) scope = state.region;
        const found = load(type, scope, bare);
        // No id: the engine's "resource does not exist", what the real providers answer for a 404.
        if (!found) return { id: "", props: {} };
        const outputs = { ...computed(type, urn, found.props).outputs, ...found.outputs };
        return { id, props: { ...found.props, ...outputs }, inputs: found.props };
    },
    async update(id, urn, olds, news) {
        const type = typeOf(urn);
        const [scope, bare] = locateInState(type, id, olds);
        const found = load(type, scope, bare);
        if (!found) throw new Error(`${type} ${id} does not exist in ${scope || "the cloud"}`);
        const props = inputsOf(news);
        store(type, scope, bare, props, found.outputs);
        return { outs: { ...props, ...found.outputs } };
    },
    async delete(id, urn, props) {
        const type = typeOf(urn);
        const [scope, bare] = locateInState(type, id, props);
        cloud.remove(root, pkg, type, scope, bare);
    },
    async invoke(token, args) {
        const answer = INVOKES[token];
        if (!answer) throw new Error(`the stand-in ${pkg} provider answers no function call ${token}`);
        return { outputs: await answer(plain(args)) };
    },
};

// The kubernetes provider builds its Helm chart component itself (Construct): tools/engines/providers/helmChart.js.
if (pkg === "kubernetes") provider.construct = helmChart.construct;

main(provider, process.argv.slice(4)).catch((e) => {
    console.error(e);
    process.exit(1);
});
