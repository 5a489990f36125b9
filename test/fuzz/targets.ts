import * as fs from "fs";
import * as path from "path";
import { isConfigError, CloudStateError, UsageError } from "../../lib/errors";
import { FileReadError } from "../../lib/regularFile";
import { KubeconfigError, loadKubeconfigs } from "../../lib/kube/kubeconfig";
import { ListScanner, NonObjectItem } from "../../lib/kube/listStream";
import { KubeApiError, listItemsOf } from "../../lib/kube/client";
import { loadStackConfig, parseConfigValue, PROJECT } from "../../config";
import { readStackFile } from "../../config/stackFile";
import { readCloudStateFile, readSection } from "../../lookup/stateFile";
import { readAwsCloudState } from "../../lookup/aws/stateFile";
import { readAzureCloudState } from "../../lookup/azure/stateFile";
import { readGcpCloudState } from "../../lookup/gcp/stateFile";
import { readSecurityConnectorsState } from "../../lookup/connectors/stateFile";
import { diffIndexes, renderDiff } from "../../inventory/diff";
import { indexFromText } from "../../inventory/snapshotIndex";
import { SnapshotFormatError } from "../../inventory/schema";
import { Rng } from "./mutate";

/**
 * A parser under the fuzzer. `run` feeds it one input the way the commands do; it returns when
 * the input is accepted and throws otherwise. `clean` says whether a thrown error is one the
 * command turns into its one-line message and exit code (2 for files the user names); anything
 * else is a crash. A `run` that does not return within the runner's limit is a hang.
 */
export interface FuzzTarget {
    name: string;
    /** Seeds: test/fuzz/corpus/<corpus>/. */
    corpus: string;
    /** Words of the format, mixed into mutations. */
    tokens: string[];
    run(input: Buffer, work: string, rng: Rng): void;
    clean(e: unknown): boolean;
    /** Not run unless named: the runner's own self-test. */
    hidden?: boolean;
}

/** What the CLI prints as "nested too deeply" (snapshot diff) or a reader's own bound. */
const stackOverflow = (e: unknown) => e instanceof RangeError && /Maximum call stack/.test(e.message);

const stackFile: FuzzTarget = {
    name: "stack",
    corpus: "stack",
    tokens: [
        "config:",
        "agentless-discovery:cloud: aws",
        "agentless-discovery:production: true",
        "secure: v1:abc",
        "region: us-east-1",
        "clusters:",
        "accountId: '111122223333'",
        "projectNumber: 4.8e11",
        "subscriptionId: 00000000-0000-0000-0000-000000000000",
    ],
    run(input, work) {
        fs.writeFileSync(path.join(work, "Pulumi.fuzz.yaml"), input);
        const file = readStackFile("fuzz", {}, work, undefined);
        const values: Record<string, unknown> = {};
        for (const [k, raw] of Object.entries(file.config))
            if (k.startsWith(`${PROJECT}:`)) values[k.slice(PROJECT.length + 1)] = parseConfigValue(raw);
        loadStackConfig("fuzz", values);
    },
    clean: (e) => e instanceof UsageError || isConfigError(e),
};

const cloudState: FuzzTarget = {
    name: "cloud-state",
    corpus: "cloud-state",
    tokens: ["aws:", "azure:", "gcp:", "securityConnectors:", "clusters:", "hierarchyIdentifier:", "tags:", "region:"],
    run(input, work) {
        const file = path.join(work, "fuzz.cloud.yaml");
        fs.writeFileSync(file, input);
        const state = readCloudStateFile(file);
        if ("aws" in state.sections)
            readSection(state, "aws", (raw, keyPath) => readAwsCloudState(raw, keyPath, "111122223333"));
        if ("azure" in state.sections) readSection(state, "azure", readAzureCloudState);
        if ("gcp" in state.sections) readSection(state, "gcp", readGcpCloudState);
        if ("securityConnectors" in state.sections)
            readSection(state, "securityConnectors", readSecurityConnectorsState);
    },
    clean: (e) => e instanceof CloudStateError || isConfigError(e) || e instanceof UsageError,
};

const kubeconfig: FuzzTarget = {
    name: "kubeconfig",
    corpus: "kubeconfig",
    tokens: [
        "server: http://user:pw@10.0.0.1",
        "proxy-url: http://p",
        "exec:",
        "token: x",
        "client-certificate-data: !!binary",
        "current-context:",
        "as-user-extra:",
        "- name:",
    ],
    run(input, work) {
        const file = path.join(work, "kubeconfig");
        fs.writeFileSync(file, input);
        const cfg = loadKubeconfigs([file]);
        // Each context is resolved as `snapshot --all-contexts` would; its error is that context's.
        for (const name of [...cfg.contexts, undefined]) {
            try {
                cfg.resolve(name);
            } catch (e) {
                if (!(e instanceof KubeconfigError)) throw e;
            }
        }
    },
    clean: (e) => e instanceof KubeconfigError || e instanceof FileReadError,
};

const snapshot: FuzzTarget = {
    name: "snapshot",
    corpus: "snapshot",
    tokens: [
        '{"schemaVersion":1,"tool":"agentless-discovery",',
        '"objects":{',
        '"kinds":',
        '"findings":[',
        '"carried":',
        '"unknownFindings":',
        '"finishedAt":',
        '{"kind":"Pod",',
        '{"id":"x",',
    ],
    run(input) {
        // As `snapshot diff A B` and the diff of a run against its previous snapshot read it.
        const { index } = indexFromText(input.toString("utf8"), "fuzz.json");
        renderDiff(diffIndexes(index, index));
    },
    clean: (e) => e instanceof SnapshotFormatError || stackOverflow(e),
};

/** The list answer's items, as `JSON.parse` reads them: what both reading modes must return for valid JSON. */
function parsedItems(text: string): unknown[] | undefined {
    try {
        const doc = JSON.parse(text) as { items?: unknown };
        if (!doc || typeof doc !== "object" || Array.isArray(doc) || !Array.isArray(doc.items)) return undefined;
        return doc.items.every((i) => i && typeof i === "object" && !Array.isArray(i)) ? doc.items : undefined;
    } catch {
        return undefined;
    }
}

const listScanner: FuzzTarget = {
    name: "list",
    corpus: "list",
    tokens: ['"items":[', '"items":', '"metadata":{"continue":"', "{}", '{"a":"\\"}"}', '"\\u0000"', "]"],
    run(input, _work, rng) {
        const expected = parsedItems(input.toString("utf8"));
        for (const whole of [1 << 20, 0]) {
            const scanner = new ListScanner((raw) => raw, 1 << 20, undefined, whole);
            // Chunks cut anywhere, as the network delivers them: inside strings, escapes, UTF-8 sequences.
            for (let at = 0; at < input.length;) {
                const n = 1 + Math.floor(rng() * 64);
                scanner.write(input.subarray(at, at + n));
                at += n;
            }
            const scanned = scanner.finish();
            if (expected && JSON.stringify(scanned.items) !== JSON.stringify(expected))
                throw new Error(
                    `${whole ? "whole-page" : "streaming"} read returned other items than JSON.parse: ${JSON.stringify(scanned.items).slice(0, 200)}`,
                );
            // The envelope holds `"items":[]` when items was a list: checked as the client checks every page.
            listItemsOf(scanned.envelope, "/api/v1/pods");
        }
    },
    // The client reports any of these as `answered 200 with a body that is not JSON` or `not a list`.
    clean: (e) =>
        e instanceof NonObjectItem || e instanceof SyntaxError || e instanceof KubeApiError || stackOverflow(e),
};

/** The runner's self-test: a parser that crashes on some inputs and hangs on one. */
const selftest: FuzzTarget = {
    name: "selftest",
    corpus: "list",
    tokens: [],
    hidden: true,
    run(input) {
        if (input.length % 7 === 3) for (;;);
        if (input.length % 5 === 1) (undefined as unknown as { x: number }).x++;
        if (input.length % 2) throw new UsageError("odd");
    },
    clean: (e) => e instanceof UsageError,
};

export const TARGETS: FuzzTarget[] = [stackFile, cloudState, kubeconfig, snapshot, listScanner, selftest];
