import { parseArgs, stringFlag } from "./args";
import { UsageError } from "../lib/errors";
import { writeOut } from "./output";
import { escapeControl } from "../lib/escape";
import { KubeClient, KubeApiError, KubeTransportError } from "../lib/kube/client";
import { KubeconfigError, kubeconfigFiles, loadKubeconfigs } from "../lib/kube/kubeconfig";
import { parsePodRef, Refusal, respond, ResponseAction, RESPONSE_ACTIONS } from "../respond/actions";
import { QUARANTINE_LABEL, QUARANTINE_POLICY_NAME } from "../domain/kubernetes/isolationFacts";
import { ExecCredentialError } from "../lib/kube/exec";

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
  --show-plugin-errors  print a failing credential plug-in's last error line (secret-shaped parts
                     replaced); by default only its name and exit code, as its words can hold credentials
  Exit codes: 0 done (or nothing to do), 1 refused or failed, 2 usage or configuration error.`;

export async function respondCommand(argv: string[]): Promise<number> {
    const args = parseArgs(argv, {
        values: ["pod", "kubeconfig", "context", "label", "policy"],
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
        return 0;
    } catch (e) {
        if (
            e instanceof Refusal ||
            e instanceof KubeApiError ||
            e instanceof KubeTransportError ||
            e instanceof ExecCredentialError
        ) {
            process.stderr.write(`${e instanceof Refusal ? "refused" : "error"}: ${escapeControl(e.message)}\n`);
            return 1;
        }
        throw e;
    } finally {
        client.close();
    }
}
