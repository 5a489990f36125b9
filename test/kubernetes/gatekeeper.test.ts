import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { evaluateCel } from "../../lib/gatekeeperCel";
import { runSuite } from "../../lib/gatekeeperSuite";
import {
    buildConstraint, celSourceOf, constraintMatches, loadTemplate, POLICIES, POLICY_DIR,
} from "../../components/kubernetes/gatekeeperPolicies";
import { SENSOR_FOOTPRINT } from "../../components/kubernetes/sensorFootprint";

describe("Gatekeeper CEL evaluator", () => {
    const check = (expression: string, object: unknown, params: unknown = {}) =>
        evaluateCel({ validations: [{ expression, message: "no" }] }, object, params).length === 0;

    it("supports the CEL macros templates use: all, exists, has, filter, map", () => {
        const pod = { spec: { containers: [{ name: "a", image: "x:1" }, { name: "b", image: "y:2", ports: [{ containerPort: 80 }] }] } };
        assert.equal(check("variables.anyObject.spec.containers.all(c, has(c.image))", pod), true);
        assert.equal(check("variables.anyObject.spec.containers.all(c, has(c.ports))", pod), false);
        assert.equal(check("variables.anyObject.spec.containers.exists(c, c.name == 'b')", pod), true);
        assert.equal(check("variables.anyObject.spec.containers.exists(c, c.name == 'z')", pod), false);
        assert.equal(check("!has(variables.anyObject.spec.initContainers)", pod), true);
        assert.equal(check("variables.anyObject.spec.containers.filter(c, has(c.ports)).map(c, c.name) == ['b']", pod), true);
        assert.equal(check("variables.anyObject.spec.containers.map(c, c.name).join(',') == 'a,b'", pod), true);
        // Integers from YAML are CEL ints, as the API server gives them.
        assert.equal(check("variables.anyObject.spec.containers[1].ports[0].containerPort == 80", pod), true);
        assert.equal(check("variables.params.max > 2", pod, { max: 3 }), true);
        assert.equal(check("object.spec.containers.size() == 2 && oldObject == null", pod), true);
    });

    it("uses oldObject as anyObject when there is no object (DELETE)", () => {
        assert.equal(evaluateCel({ validations: [{ expression: "variables.anyObject.metadata.name == 'old'" }] }, null, {}, { metadata: { name: "old" } }).length, 0);
    });

    it("reports messageExpression, and throws on a broken expression instead of passing", () => {
        assert.deepEqual(evaluateCel({ validations: [{ expression: "false", messageExpression: "'x' + 'y'" }] }, {}).map((v) => v.message), ["xy"]);
        assert.throws(() => evaluateCel({ validations: [{ expression: "variables.anyObject.spec.nothing == 1" }] }, { spec: {} }), /CEL expression failed/);
        assert.throws(() => evaluateCel({ validations: [{ expression: "'not a bool'" }] }, {}), /not a bool/);
    });
});

describe("Gatekeeper templates (policies/gatekeeper)", () => {
    const dirs = fs.readdirSync(POLICY_DIR).filter((d) => fs.statSync(path.join(POLICY_DIR, d)).isDirectory()).sort();

    it("has one declared policy per template folder, each with a suite", () => {
        assert.deepEqual(POLICIES.map((p) => p.dir).sort(), dirs);
        for (const d of dirs) assert.ok(fs.existsSync(path.join(POLICY_DIR, d, "suite.yaml")), `${d}/suite.yaml`);
    });

    for (const dir of fs.readdirSync(POLICY_DIR).sort()) {
        it(`${dir}: every suite case holds (as gator verify would)`, () => {
            const results = runSuite(path.join(POLICY_DIR, dir));
            assert.ok(results.length >= 3, "at least an allowed and two disallowed cases");
            assert.ok(results.some((r) => r.violations.length === 0) && results.some((r) => r.violations.length > 0), "both outcomes");
            const failures = results.filter((r) => r.failures.length > 0).map((r) => `${r.case}: ${r.failures.join("; ")}`);
            assert.deepEqual(failures, []);
        });
    }

    it("a suite with a wrong assertion fails (the runner is not vacuous)", () => {
        const tmp = fs.mkdtempSync(path.join(require("os").tmpdir(), "suite-"));
        try {
            fs.cpSync(path.join(POLICY_DIR, "privileged-containers"), tmp, { recursive: true });
            const suite = fs.readFileSync(path.join(tmp, "suite.yaml"), "utf8").replace("example_allowed.yaml\n    assertions:\n    - violations: no", "example_allowed.yaml\n    assertions:\n    - violations: yes");
            fs.writeFileSync(path.join(tmp, "suite.yaml"), suite);
            const failed = runSuite(tmp).filter((r) => r.failures.length > 0);
            assert.deepEqual(failed.map((r) => r.case), ["example-allowed"]);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});

describe("Gatekeeper constraints", () => {
    const excluded = ["gatekeeper-system", "kube-system", "mdc"];
    const constraints = POLICIES.map((p) => buildConstraint(p, loadTemplate(p.dir).spec.crd.spec.names.kind, "deny", excluded));
    const byName = Object.fromEntries(constraints.map((c) => [c.metadata.name, c]));

    it("declares one constraint per template with the enforcement, exclusions and parameters", () => {
        assert.deepEqual(constraints.map((c) => `${c.kind}/${c.metadata.name}`), [
            "K8sPrivilegedContainer/privileged-containers", "K8sHostNamespace/host-namespaces", "K8sHostPathVolume/host-path-volumes",
            "K8sAddedCapabilities/added-capabilities", "K8sPublicService/public-services", "K8sClusterAdminBinding/cluster-admin-bindings",
            "K8sWildcardRole/wildcard-roles",
        ]);
        for (const c of constraints) {
            assert.equal(c.apiVersion, "constraints.gatekeeper.sh/v1beta1");
            assert.equal(c.spec.enforcementAction, "deny");
            assert.deepEqual(c.spec.match.excludedNamespaces, excluded);
        }
        assert.deepEqual(byName["privileged-containers"].spec.parameters, { exemptImages: [] });
        assert.deepEqual(byName["added-capabilities"].spec.parameters, { allowedCapabilities: [] });
        assert.deepEqual(byName["host-path-volumes"].spec.parameters, { allowedHostPaths: [] });
        assert.equal(byName["host-namespaces"].spec.parameters, undefined);
        assert.deepEqual(byName["cluster-admin-bindings"].spec.parameters, { roles: ["cluster-admin"] });
        assert.deepEqual(byName["cluster-admin-bindings"].spec.match.kinds, [{ apiGroups: ["rbac.authorization.k8s.io"], kinds: ["ClusterRoleBinding", "RoleBinding"] }]);
        assert.deepEqual(byName["wildcard-roles"].spec.parameters, { exemptRoleNames: ["cluster-admin", "gatekeeper-manager-role"], exemptRolePrefixes: ["system:"] });
        assert.equal((byName["public-services"].spec.parameters as any).allowNodePort, false);
        assert.equal((byName["public-services"].spec.parameters as any).internalLoadBalancerAnnotations["networking.gke.io/load-balancer-type"], "Internal");
    });

    it("leaves the sensor's footprint alone in its namespaces and denies the same pod elsewhere", () => {
        const caps = byName["added-capabilities"];
        const source = celSourceOf(loadTemplate("added-capabilities"));
        for (const w of SENSOR_FOOTPRINT.filter((w) => w.capabilities.length > 0)) {
            const pod = {
                apiVersion: "v1", kind: "Pod", metadata: { name: `${w.namePrefix}-x1`, namespace: w.namespace },
                spec: { containers: [{ name: "collector", image: "mcr.microsoft.com/azuredefender/collector:1", securityContext: { capabilities: { add: [...w.capabilities] } } }] },
            };
            assert.equal(constraintMatches(caps, pod), false, `${w.namespace} is excluded`);
            const elsewhere = { ...pod, metadata: { ...pod.metadata, namespace: "default" } };
            assert.equal(constraintMatches(caps, elsewhere), true);
            assert.deepEqual(evaluateCel(source, elsewhere, caps.spec.parameters).map((v) => v.message),
                [`Adding capabilities is not allowed: collector (${w.capabilities.join(", ")})`]);
        }
    });

    it("the wildcard constraint exempts the API server's roles but not a look-alike of Gatekeeper's", () => {
        const c = byName["wildcard-roles"];
        const source = celSourceOf(loadTemplate("wildcard-roles"));
        const role = (name: string) => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name }, rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] });
        assert.equal(evaluateCel(source, role("cluster-admin"), c.spec.parameters).length, 0);
        assert.equal(evaluateCel(source, role("system:aggregate-to-admin"), c.spec.parameters).length, 0);
        assert.equal(evaluateCel(source, role("gatekeeper-manager-role"), c.spec.parameters).length, 0);
        assert.equal(evaluateCel(source, role("gatekeeper-manager-role-2"), c.spec.parameters).length, 1);
    });
});
