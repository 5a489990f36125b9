import { parseArgs, stringFlag } from "./args";
import { UsageError } from "../lib/errors";
import { writeOut } from "./output";
import { escapeControl } from "../lib/escape";
import { KubeClient, KubeApiError, KubeTransportError } from "../lib/kube/client";
import { KubeconfigError, kubeconfigFiles, loadKubeconfigs } from "../lib/kube/kubeconfig";
import { parsePodRef, Refusal, respond, ResponseAction, RESPONSE_ACTIONS } from "../respond/actions";
import { QUARANTINE_LABEL, QUARANTINE_POLICY_NAME } from "../domain/kubernetes/isolationFacts";
import { ExecCredentialError } from "../lib/kube/exec";
import * as os from "os";
import { systemErrorLine } from "../lib/errors";
import { auditRecord, AuditRecord } from "../respond/audit";
import { openStore } from "./store";
import { stampOf, StoreError } from "../inventory/store/types";

/** The action's audit record could not be written (the action's own outcome is printed above it). */
export const EXIT_AUDIT_FAILED = 4;

/** The local account running the command, when the system can say. */
function localUser(): string | undefined {
    try {
        return os.userInfo().username;
    } catch {
        return process.env.USER ?? process.env.USERNAME;
    }
}

export const RESPOND_USAGE = `usage: npm run respond -- isolate|release|terminate --pod NAMESPACE/NAME [--kubeconfig F] [--context C]
  isolate    add the quarantine label (${QUARANTINE_LABEL.key}=${QUARANTINE_LABEL.value}) to a running pod; refused unless
             Kubernetes is 1.27+ and a network-policy plug-in (Azure-NPM 1.5.34, Calico 3.24.1, Cilium 1.13.1,
             aws-node 1.15.1 or later) enforces the namespace's quarantine NetworkPolicy; a hostNetwork pod,
             a pod on a node without a plug-in agent and a pod another NetworkPolicy still opens are
             refused (their isolation cannot be shown): terminate them instead
  release    remove the quarantine label
  terminate  delete the pod
  --label KEY=VALUE  the quarantine label, when the stack sets kubernetes.isolation.label
  --policy NAME      the quarantine NetworkPolicy's name (default ${QUARANTINE_POLICY_NAME})
  --out DIR          the store that keeps an audit record of every action, done, refused or failed:
                     DIR/audit/<stamp>.json, or s3://BUCKET/PREFIX (default ./snapshots, as snapshot's)
  --show-plugin-errors  print a failing credential plug-in's last error line (secret-shaped parts
                     replaced); by default only its name and exit code, as its words can hold credentials
  Exit codes: 0 done (or nothing to do), 1 refused or failed, 2 usage or configuration error (the
  store included: nothing is done that could not be recorded), 4 the audit record could not be written.`;

export async function respondCommand(argv: string[]): Promise<number> {
    const args = parseArgs(argv, {
        values: ["pod", "kubeconfig", "context", "label", "policy", "out"],
        booleans: ["show-plugin-errors"],
    });
    const [action, ...extra] = args.positional;
    if (!action || !(RESPONSE_ACTIONS as readonly string[]).includes(action)) {
        throw new UsageError(
            `${action ? `unknown action ${JSON.stringify(action)}` : "no action given"}; use one of ${RESPONSE_ACTIONS.join(", ")}`,
        );
    }
    if (extra.length) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const podText = stringFlag(args, "pod");
    if (!podText) throw new UsageError("--pod NAMESPACE/NAME is required");
    const ref = parsePodRef(podText);
    if (typeof ref === "string") throw new UsageError(ref);
    let label = QUARANTINE_LABEL;
    const labelText = stringFlag(args, "label");
    if (labelText !== undefined) {
        const m = /^([A-Za-z0-9][-A-Za-z0-9_./]*)=([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/.exec(labelText);
        if (!m)
            throw new UsageError(
                `--label ${JSON.stringify(labelText)} must be KEY=VALUE with a valid Kubernetes label key and value`,
            );
        label = { key: m[1], value: m[2] };
    }

    let access;
    try {
        access = loadKubeconfigs(kubeconfigFiles(stringFlag(args, "kubeconfig"))).resolve(stringFlag(args, "context"));
    } catch (e) {
        if (e instanceof KubeconfigError) throw new UsageError(e.message);
        throw e;
    }
    // The store is proven writable before the cluster is touched: no action goes unrecorded.
    // Retention applies to snapshots only, which respond never writes.
    const store = openStore(stringFlag(args, "out") ?? "snapshots", 1);
    try {
        await store.check();
    } catch (e) {
        if (e instanceof StoreError) throw new UsageError(`${e.message} (respond keeps its audit records there)`);
        throw e;
    }
    const started = new Date();
    const record = async (result: AuditRecord["result"], message: string): Promise<boolean> => {
        const finished = new Date();
        try {
            await store.writeAudit(
                stampOf(started),
                auditRecord(action as ResponseAction, ref, access, localUser(), started, finished, result, message),
            );
            return true;
        } catch (e) {
            process.stderr.write(
                `error: the audit record could not be written to ${store.location}: ${systemErrorLine(e) ?? escapeControl((e as Error).message)}\n`,
            );
            return false;
        }
    };
    const client = new KubeClient(access, {
        timeoutMs: 30_000,
        exec: { showErrors: args.flags["show-plugin-errors"] === true },
    });
    try {
        const lines = await respond(
            client,
            action as ResponseAction,
            ref,
            label,
            stringFlag(args, "policy") ?? QUARANTINE_POLICY_NAME,
        );
        await writeOut(lines.map((l) => `${escapeControl(l)}\n`).join(""));
        return (await record("done", lines.join("\n"))) ? 0 : EXIT_AUDIT_FAILED;
    } catch (e) {
        if (
            e instanceof Refusal ||
            e instanceof KubeApiError ||
            e instanceof KubeTransportError ||
            e instanceof ExecCredentialError
        ) {
            process.stderr.write(`${e instanceof Refusal ? "refused" : "error"}: ${escapeControl(e.message)}\n`);
            return (await record(e instanceof Refusal ? "refused" : "failed", e.message)) ? 1 : EXIT_AUDIT_FAILED;
        }
        // Not one of the expected failures: recorded as failed all the same, then reported with its trace.
        await record("failed", (e as Error)?.message ?? String(e));
        throw e;
    } finally {
        client.close();
    }
}
