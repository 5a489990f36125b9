import { redactUrl } from "../lib/kube/redact";
import { ClusterAccess } from "../lib/kube/kubeconfig";
import { PodRef, ResponseAction } from "./actions";

/** What `respond` keeps of each action it was asked to take, in the store's `audit/` folder. */
export interface AuditRecord {
    schemaVersion: 1;
    tool: "agentless-discovery";
    record: "respond";
    action: ResponseAction;
    pod: string;
    namespace: string;
    name: string;
    cluster: { context: string; server: string };
    /** As whom: the local account that ran the command, the kubeconfig user entry, and whom it impersonates. */
    actor: { localUser?: string; kubeconfigUser?: string; impersonates?: string };
    startedAt: string;
    finishedAt: string;
    /** `done` (including "nothing to do"), `refused` (a check said no; nothing was changed) or `failed` (an error). */
    result: "done" | "refused" | "failed";
    /** What was printed: the action's sentences, or the refusal's or error's message. */
    message: string;
}

export function auditRecord(
    action: ResponseAction,
    ref: PodRef,
    access: ClusterAccess,
    localUser: string | undefined,
    startedAt: Date,
    finishedAt: Date,
    result: AuditRecord["result"],
    message: string,
): AuditRecord {
    return {
        schemaVersion: 1,
        tool: "agentless-discovery",
        record: "respond",
        action,
        pod: `${ref.namespace}/${ref.name}`,
        namespace: ref.namespace,
        name: ref.name,
        // A server URL's user information never reaches a record.
        cluster: { context: access.name, server: redactUrl(access.server) },
        actor: {
            ...(localUser ? { localUser } : {}),
            ...(access.user ? { kubeconfigUser: access.user } : {}),
            ...(access.impersonate?.user ? { impersonates: access.impersonate.user } : {}),
        },
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        result,
        message,
    };
}
