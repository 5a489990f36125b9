import type { TokenCredential } from "@azure/core-auth";
import {
    bearerTokenAuthenticationPolicy,
    createDefaultHttpClient,
    createPipelineFromOptions,
    createPipelineRequest,
    PipelineOptions,
} from "@azure/core-rest-pipeline";
import { cloudReason, LookupError } from "../../lib/errors";
import { armErrorText } from "../discovery/aks";
import { armCode, isUnregistered } from "../azure/registration";
import {
    connectorFromArm,
    ExistingSecurityConnector,
    LIST_CONNECTORS_CALL,
    SECURITY_CONNECTORS_API_VERSION,
} from "../../domain/shared/securityConnectors";

/**
 * The live connector lookup of the AWS and GCP stacks: ARM's `SecurityConnectors_List` on the
 * connector's subscription, every page (nextLink), with the deployer's Azure login. The same
 * pipeline as the Azure stack's REST lookups (`@azure/core-rest-pipeline`: bearer token, TLS,
 * retries). Needs `Microsoft.Security/securityConnectors/read` on the subscription.
 */
export interface ArmReadOptions {
    /** Default: DefaultAzureCredential (az login, environment, managed identity), in `tenantId` when given. */
    credential?: TokenCredential;
    tenantId?: string;
    /** Default https://management.azure.com; tests point it at a loopback fixture. */
    endpoint?: string;
    pipeline?: Pick<PipelineOptions, "tlsOptions" | "retryOptions">;
}

const ARM_SCOPE = "https://management.azure.com/.default";

export async function listSecurityConnectors(
    subscriptionId: string,
    opts: ArmReadOptions = {},
): Promise<ExistingSecurityConnector[]> {
    const scope = `subscriptions/${subscriptionId}`;
    const endpoint = (opts.endpoint ?? "https://management.azure.com").replace(/\/+$/, "");
    const credential = opts.credential ?? defaultCredential(opts.tenantId);
    const pipeline = createPipelineFromOptions({ ...opts.pipeline });
    pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: ARM_SCOPE }));
    const http = createDefaultHttpClient();
    const out: ExistingSecurityConnector[] = [];
    let next: string | undefined =
        `${endpoint}/${scope}/providers/Microsoft.Security/securityConnectors?api-version=${SECURITY_CONNECTORS_API_VERSION}`;
    while (next) {
        let status: number;
        let body: string | undefined;
        try {
            const response = await pipeline.sendRequest(http, createPipelineRequest({ url: next, method: "GET" }));
            status = response.status;
            body = response.bodyAsText ?? undefined;
        } catch (e) {
            throw new LookupError(LIST_CONNECTORS_CALL, scope, cloudReason(e));
        }
        // A subscription that has not registered Microsoft.Security holds no connector (registration.ts).
        if (status >= 400 && out.length === 0 && isUnregistered(armCode(body))) return [];
        if (status >= 400) throw new LookupError(LIST_CONNECTORS_CALL, scope, armErrorText(status, body));
        let page: { value?: unknown[]; nextLink?: string };
        try {
            page = JSON.parse(body || "{}");
        } catch {
            throw new LookupError(LIST_CONNECTORS_CALL, scope, `ARM answered ${status} with a body that is not JSON`);
        }
        for (const item of page.value ?? []) {
            const c = connectorFromArm(item);
            if (c) out.push(c);
        }
        next = page.nextLink || undefined;
    }
    return out;
}

function defaultCredential(tenantId: string | undefined): TokenCredential {
    const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
    return new DefaultAzureCredential(tenantId ? { tenantId } : {});
}
