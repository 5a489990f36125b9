import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { createRequest, evaluateCel, updateRequest } from "../../helpers/gatekeeperCel";
import { runSuite } from "../../helpers/gatekeeperSuite";
import { loadTemplate, POLICY_DIR } from "../../../components/kubernetes/gatekeeperTemplates";
import {
    BUILT_IN_WILDCARD_ROLES,
    buildConstraint,
    celSourceOf,
    constraintMatches,
    policies,
    POLICIES,
} from "../../../domain/kubernetes/gatekeeperPolicies";
import { SENSOR_FOOTPRINT } from "../../../domain/kubernetes/sensorFootprint";
import { QUARANTINE_LABEL } from "../../../domain/kubernetes/isolationFacts";

describe("Gatekeeper CEL evaluator", () => {
    const check = (expression: string, object: unknown, params: unknown = {}) =>
        evaluateCel({ validations: [{ expression, message: "no" }] }, createRequest(object), params).length === 0;

    it("supports the CEL macros templates use: all, exists, has, filter, map", () => {
        const pod = {
            spec: {
                containers: [
                    { name: "a", image: "x:1" },
                    { name: "b", image: "y:2", ports: [{ containerPort: 80 }] },
                ],
            },
        };
        assert.equal(check("variables.anyObject.spec.containers.all(c, has(c.image))", pod), true);
        assert.equal(check("variables.anyObject.spec.containers.all(c, has(c.ports))", pod), false);
        assert.equal(check("variables.anyObject.spec.containers.exists(c, c.name == 'b')", pod), true);
        assert.equal(check("variables.anyObject.spec.containers.exists(c, c.name == 'z')", pod), false);
        assert.equal(check("!has(variables.anyObject.spec.initContainers)", pod), true);
        assert.equal(
            check("variables.anyObject.spec.containers.filter(c, has(c.ports)).map(c, c.name) == ['b']", pod),
            true,
        );
        assert.equal(check("variables.anyObject.spec.containers.map(c, c.name).join(',') == 'a,b'", pod), true);
        // Integers from YAML are CEL ints, as the API server gives them.
        assert.equal(check("variables.anyObject.spec.containers[1].ports[0].containerPort == 80", pod), true);
        assert.equal(check("variables.params.max > 2", pod, { max: 3 }), true);
        assert.equal(check("object.spec.containers.size() == 2 && oldObject == null", pod), true);
        // The library's capabilities template pairs names with a filtered, three-argument map.
        assert.equal(
            check(
                "variables.anyObject.spec.containers.map(c, has(c.ports), [c.name, dyn(c.image)]) == [['b', 'y:2']]",
                pod,
            ),
            true,
        );
        assert.equal(check("'ALL'.lowerAscii() == 'all'", pod), true);
    });

    it("binds the AdmissionReview request: request.operation, request.object, request.oldObject", () => {
        const eval1 = (expression: string, request: Parameters<typeof evaluateCel>[1]) =>
            evaluateCel({ validations: [{ expression, message: "no" }] }, request).length === 0;
        const v1 = { metadata: { name: "p", labels: { a: "1" } } };
        const v2 = { metadata: { name: "p", labels: { a: "2" } } };
        assert.equal(eval1('request.operation == "CREATE" && request.oldObject == null', createRequest(v1)), true);
        assert.equal(eval1('request.operation == "UPDATE"', createRequest(v1)), false);
        assert.equal(
            eval1(
                'request.operation == "UPDATE" && request.object.metadata.labels.a == "2" && request.oldObject.metadata.labels.a == "1"',
                updateRequest(v2, v1),
            ),
            true,
        );
        assert.equal(
            eval1(
                'object.metadata.labels.a == "2" && oldObject.metadata.labels.a == "1" && variables.anyObject.metadata.labels.a == "2"',
                updateRequest(v2, v1),
            ),
            true,
        );
        // DELETE has no object: anyObject is the old one.
        assert.equal(
            eval1("variables.anyObject.metadata.name == 'p' && object == null", { operation: "DELETE", oldObject: v1 }),
            true,
        );
        assert.throws(
            () => evaluateCel({ validations: [{ expression: "true" }] }, { operation: "PATCH" as never, object: v1 }),
            /request.operation is "PATCH"; allowed: CREATE, UPDATE, DELETE, CONNECT/,
        );
    });

    it("reports messageExpression, and throws on a broken expression instead of passing", () => {
        assert.deepEqual(
            evaluateCel(
                { validations: [{ expression: "false", messageExpression: "'x' + 'y'" }] },
                createRequest({}),
            ).map((v) => v.message),
            ["xy"],
        );
        assert.throws(
            () =>
                evaluateCel(
                    { validations: [{ expression: "variables.anyObject.spec.nothing == 1" }] },
                    createRequest({ spec: {} }),
                ),
            /CEL expression failed/,
        );
        assert.throws(
            () => evaluateCel({ validations: [{ expression: "'not a bool'" }] }, createRequest({})),
            /not a bool/,
        );
    });
});

describe("Gatekeeper templates (policies/gatekeeper)", () => {
    const dirs = fs
        .readdirSync(POLICY_DIR)
        .filter((d) => fs.statSync(path.join(POLICY_DIR, d)).isDirectory())
        .sort();

    it("has one declared policy per template folder, each with a suite", () => {
        assert.deepEqual(POLICIES.map((p) => p.dir).sort(), dirs);
        for (const d of dirs) assert.ok(fs.existsSync(path.join(POLICY_DIR, d, "suite.yaml")), `${d}/suite.yaml`);
    });

    for (const dir of fs.readdirSync(POLICY_DIR).sort()) {
        it(`${dir}: every suite case holds (as gator verify would)`, () => {
            const results = runSuite(path.join(POLICY_DIR, dir));
            assert.ok(results.length >= 3, "at least an allowed and two disallowed cases");
            assert.ok(
                results.some((r) => r.violations.length === 0) && results.some((r) => r.violations.length > 0),
                "both outcomes",
            );
            const failures = results
                .filter((r) => r.failures.length > 0)
                .map((r) => `${r.case}: ${r.failures.join("; ")}`);
            assert.deepEqual(failures, []);
        });
    }

    it("a suite with a wrong assertion fails (the runner is not vacuous)", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "suite-"));
        try {
            fs.cpSync(path.join(POLICY_DIR, "privileged-containers"), tmp, { recursive: true });
            const original = fs.readFileSync(path.join(tmp, "suite.yaml"), "utf8");
            const suite = original.replace(
                "update.yaml\n    assertions:\n    - violations: no",
                "update.yaml\n    assertions:\n    - violations: yes",
            );
            assert.notEqual(suite, original);
            fs.writeFileSync(path.join(tmp, "suite.yaml"), suite);
            const failed = runSuite(tmp).filter((r) => r.failures.length > 0);
            assert.deepEqual(
                failed.map((r) => r.case),
                ["update"],
            );
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});

describe("Gatekeeper constraints", () => {
    const excluded = ["gatekeeper-system", "kube-system", "mdc"];
    const constraints = POLICIES.map((p) =>
        buildConstraint(p, loadTemplate(p.dir).spec.crd.spec.names.kind, "deny", excluded),
    );
    const byName = Object.fromEntries(constraints.map((c) => [c.metadata.name, c]));
    const sourceByName = Object.fromEntries(POLICIES.map((p) => [p.constraintName, celSourceOf(loadTemplate(p.dir))]));

    it("declares one constraint per template with the enforcement, exclusions and the library's parameter names", () => {
        assert.deepEqual(
            constraints.map((c) => `${c.kind}/${c.metadata.name}`),
            [
                "K8sPSPPrivilegedContainer/privileged-containers",
                "K8sPSPHostNamespace/host-namespaces",
                "K8sPSPHostNetworkingPorts/host-network",
                "K8sPSPHostFilesystem/host-filesystem",
                "K8sPSPCapabilities/capabilities",
                "K8sPublicService/public-services",
                "K8sClusterAdminBinding/cluster-admin-bindings",
                "K8sWildcardRole/wildcard-roles",
            ],
        );
        for (const c of constraints) {
            assert.equal(c.apiVersion, "constraints.gatekeeper.sh/v1beta1");
            assert.equal(c.spec.enforcementAction, "deny");
            assert.deepEqual(c.spec.match.excludedNamespaces, excluded);
        }
        assert.deepEqual(byName["privileged-containers"].spec.parameters, { exemptImages: [] });
        assert.deepEqual(byName["capabilities"].spec.parameters, { allowedCapabilities: [], exemptImages: [] });
        assert.deepEqual(byName["host-filesystem"].spec.parameters, { allowedHostPaths: [] });
        assert.deepEqual(byName["host-network"].spec.parameters, { hostNetwork: false, exemptImages: [] });
        assert.equal(byName["host-namespaces"].spec.parameters, undefined);
        assert.deepEqual(byName["cluster-admin-bindings"].spec.parameters, { roles: ["cluster-admin"] });
        assert.deepEqual(byName["cluster-admin-bindings"].spec.match.kinds, [
            { apiGroups: ["rbac.authorization.k8s.io"], kinds: ["ClusterRoleBinding", "RoleBinding"] },
        ]);
        assert.deepEqual(byName["wildcard-roles"].spec.parameters, { exemptRoleNames: [...BUILT_IN_WILDCARD_ROLES] });
        const publicServices = byName["public-services"].spec.parameters as {
            allowNodePort: boolean;
            internalLoadBalancerAnnotations: Record<string, string>;
        };
        assert.equal(publicServices.allowNodePort, false);
        assert.equal(
            publicServices.internalLoadBalancerAnnotations["networking.gke.io/load-balancer-type"],
            "Internal",
        );
    });

    it("every parameter a constraint sets is one its template's schema declares", () => {
        for (const p of POLICIES) {
            const declared = Object.keys(
                (
                    loadTemplate(p.dir).spec.crd.spec.validation?.openAPIV3Schema as
                        { properties?: Record<string, unknown> } | undefined
                )?.properties ?? {},
            );
            for (const key of Object.keys(p.parameters ?? {}))
                assert.ok(
                    declared.includes(key),
                    `${p.dir}: parameter ${key} is not in the template's schema (${declared.join(", ")})`,
                );
        }
    });

    it("ships the library's pod templates unchanged, each pinned in library.yaml", () => {
        for (const dir of [
            "privileged-containers",
            "host-namespaces",
            "host-network-ports",
            "host-filesystem",
            "capabilities",
        ]) {
            const pin = parseYaml(fs.readFileSync(path.join(POLICY_DIR, dir, "library.yaml"), "utf8"));
            assert.equal(pin.repository, "open-policy-agent/gatekeeper-library");
            assert.match(pin.commit, /^[0-9a-f]{40}$/);
            assert.equal(pin.path, `library/pod-security-policy/${dir}`);
            assert.equal(
                loadTemplate(dir).metadata.annotations?.["metadata.gatekeeper.sh/version"],
                pin.templateVersion,
                dir,
            );
            // Every file of the folder is the library's, byte for byte: an edit must be a re-vendoring.
            const files = (fs.readdirSync(path.join(POLICY_DIR, dir), { recursive: true }) as string[])
                .filter((f) => f !== "library.yaml" && fs.statSync(path.join(POLICY_DIR, dir, f)).isFile())
                .sort();
            assert.deepEqual(files, Object.keys(pin.sha256).sort(), dir);
            assert.ok(files.includes("template.yaml") && files.includes("suite.yaml"));
            for (const f of files) {
                const sum = createHash("sha256")
                    .update(fs.readFileSync(path.join(POLICY_DIR, dir, f)))
                    .digest("hex");
                assert.equal(sum, pin.sha256[f], `${dir}/${f} differs from gatekeeper-library ${pin.commit}`);
            }
        }
    });

    // The pod `npm run respond -- isolate` labels: privileged, on the host's namespaces and
    // filesystem, with added capabilities, outside the excluded namespaces.
    const worstPod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "miner", namespace: "payments", labels: { app: "miner" } },
        spec: {
            hostPID: true,
            hostIPC: true,
            hostNetwork: true,
            containers: [
                {
                    name: "miner",
                    image: "docker.io/evil/miner:1",
                    securityContext: { privileged: true, capabilities: { add: ["SYS_ADMIN"] } },
                    volumeMounts: [{ name: "root", mountPath: "/host" }],
                },
            ],
            volumes: [{ name: "root", hostPath: { path: "/" } }],
        },
    };
    const isolated = {
        ...worstPod,
        metadata: {
            ...worstPod.metadata,
            labels: { ...worstPod.metadata.labels, [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value },
        },
    };
    const podPolicies = POLICIES.filter((p) => p.match.some((m) => m.kinds.includes("Pod")));

    it("denies the CREATE of a privileged host pod in every pod template", () => {
        assert.deepEqual(
            podPolicies.map((p) => p.constraintName),
            ["privileged-containers", "host-namespaces", "host-network", "host-filesystem", "capabilities"],
        );
        for (const p of podPolicies) {
            const c = byName[p.constraintName];
            assert.equal(constraintMatches(c, worstPod), true);
            assert.ok(
                evaluateCel(sourceByName[p.constraintName], createRequest(worstPod), c.spec.parameters).length > 0,
                `${p.constraintName} denies the CREATE`,
            );
        }
    });

    it("allows the isolation label patch (UPDATE) of that pod under every shipped constraint in deny mode", () => {
        for (const c of constraints) {
            if (!constraintMatches(c, isolated)) continue;
            assert.deepEqual(
                evaluateCel(sourceByName[c.metadata.name], updateRequest(isolated, worstPod), c.spec.parameters),
                [],
                `${c.kind}/${c.metadata.name} refuses the label patch`,
            );
        }
        assert.equal(constraints.filter((c) => constraintMatches(c, isolated)).length, 5);
    });

    it("leaves the sensor's footprint alone in its namespaces and denies the same pod elsewhere", () => {
        const caps = byName["capabilities"];
        const source = sourceByName["capabilities"];
        for (const w of SENSOR_FOOTPRINT.filter((w) => w.capabilities.length > 0)) {
            const pod = {
                apiVersion: "v1",
                kind: "Pod",
                metadata: { name: `${w.namePrefix}-x1`, namespace: w.namespace },
                spec: {
                    containers: [
                        {
                            name: "collector",
                            image: "mcr.microsoft.com/azuredefender/collector:1",
                            securityContext: { capabilities: { add: [...w.capabilities] } },
                        },
                    ],
                },
            };
            assert.equal(constraintMatches(caps, pod), false, `${w.namespace} is excluded`);
            const elsewhere = { ...pod, metadata: { ...pod.metadata, namespace: "default" } };
            assert.equal(constraintMatches(caps, elsewhere), true);
            assert.deepEqual(
                evaluateCel(source, createRequest(elsewhere), caps.spec.parameters).map((v) => v.message),
                [
                    `containers have disallowed capabilities: {container: collector, capabilities: [${w.capabilities.join(", ")}]}`,
                ],
            );
        }
    });

    it("the wildcard constraint exempts exactly the built-in roles: not system:x, not a look-alike of Gatekeeper's", () => {
        const c = byName["wildcard-roles"];
        const source = sourceByName["wildcard-roles"];
        const role = (name: string) =>
            createRequest({
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRole",
                metadata: { name },
                rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
            });
        for (const name of BUILT_IN_WILDCARD_ROLES)
            assert.equal(evaluateCel(source, role(name), c.spec.parameters).length, 0, name);
        assert.deepEqual(
            evaluateCel(source, role("system:x"), c.spec.parameters).map((v) => v.message),
            ["ClusterRole system:x grants wildcard verbs or resources in 1 rule(s)"],
        );
        assert.equal(evaluateCel(source, role("system:controller:x"), c.spec.parameters).length, 1);
        assert.equal(evaluateCel(source, role("gatekeeper-manager-role-2"), c.spec.parameters).length, 1);
    });

    it("the wildcard exemptions are configurable, exact names only", () => {
        const custom = policies({ wildcardRoleExemptions: ["cluster-admin", "eks:addon-manager"] }).find(
            (p) => p.dir === "wildcard-roles",
        )!;
        assert.deepEqual(custom.parameters, { exemptRoleNames: ["cluster-admin", "eks:addon-manager"] });
        assert.throws(
            () => policies({ wildcardRoleExemptions: ["system:*"] }),
            /wildcardRoleExemptions: "system:\*" is not a role name; allowed: exact names \(no "\*", "\/" or spaces\), no prefixes/,
        );
        assert.throws(() => policies({ wildcardRoleExemptions: [""] }), /wildcardRoleExemptions: ""/);
    });
});
