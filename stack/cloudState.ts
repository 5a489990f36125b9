/**
 * What `npm run cloud-state` writes: the stack's cloud-state sections, read from the live cloud by
 * the program's own read step (`readAws`, `readAzure`, `readGcpCloud`) against the live lookup port
 * the program makes for `pulumi preview`, wrapped so that each answer is kept (`lookup/recorder.ts`).
 * The file it gives answers exactly the lookups that read step makes, as the cloud answered them.
 */
import { StackConfig } from "../config";
import { cloudSource } from "../lookup/source";
import { RecordedCall, recording } from "../lookup/recorder";
import type { AwsCloudLookup } from "../lookup/aws/port";
import type { AzureLookup } from "../lookup/azure/port";
import type { GcpCloudLookup } from "../lookup/gcp/port";
import { connectorsStateSection } from "../lookup/connectors/stateExport";
import { renderCloudState } from "../lookup/stateExport";
import { parseStackYaml } from "../lib/yaml";

/** The live lookup port of the stack's cloud. */
export type CloudLookups =
    | { cloud: "aws"; lookup: AwsCloudLookup }
    | { cloud: "azure"; lookup: AzureLookup }
    | { cloud: "gcp"; lookup: GcpCloudLookup };

/** The port `pulumi preview` reads this stack's cloud with: the program's own factories. */
export function liveLookups(cfg: StackConfig): CloudLookups {
    const source = cloudSource();
    switch (cfg.cloud) {
        case "aws": {
            const m = require("./aws/onboarding") as typeof import("./aws/onboarding");
            return { cloud: "aws", lookup: m.lookupFor(cfg.aws!, source, cfg.azureTenantId!) };
        }
        case "azure": {
            const m = require("./azure/onboarding") as typeof import("./azure/onboarding");
            return { cloud: "azure", lookup: m.azureLookupFor(cfg.azure!.subscriptionId, source) };
        }
        case "gcp": {
            const m = require("./gcp/cloudRead") as typeof import("./gcp/cloudRead");
            return { cloud: "gcp", lookup: m.gcpLookupFor(source, cfg.azureTenantId) };
        }
        default:
            throw new Error(`cloud ${cfg.cloud} has no lookups`);
    }
}

/** What the file says it describes. */
function description(cfg: StackConfig): string {
    const where =
        cfg.cloud === "aws"
            ? `AWS account ${cfg.aws!.accountId} (${cfg.aws!.regions.join(", ")})`
            : cfg.cloud === "azure"
              ? `Azure subscription ${cfg.azure!.subscriptionId}`
              : `GCP project ${cfg.gcp!.projectId}`;
    return `What ${where} answered the lookups of stack ${cfg.stack}, read by npm run cloud-state (docs/cloud-state.md).`;
}

/**
 * Runs the stack's read step against `lookups` (recorded) and returns the cloud-state sections its
 * answers make. A failed lookup rejects with its LookupError, and nothing is returned.
 */
export async function readCloudState(cfg: StackConfig, lookups: CloudLookups): Promise<Record<string, unknown>> {
    const calls: RecordedCall[] = [];
    const sections: Record<string, unknown> = { description: description(cfg) };
    switch (lookups.cloud) {
        case "aws": {
            const { readAws } = require("./aws/onboarding") as typeof import("./aws/onboarding");
            const { awsStateSection } =
                require("../lookup/aws/stateExport") as typeof import("../lookup/aws/stateExport");
            try {
                await readAws(cfg.aws!, recording(lookups.lookup, calls));
            } finally {
                lookups.lookup.close();
            }
            sections.aws = awsStateSection(calls);
            break;
        }
        case "azure": {
            const { readAzure } = require("./azure/onboarding") as typeof import("./azure/onboarding");
            const { azureStateSection } =
                require("../lookup/azure/stateExport") as typeof import("../lookup/azure/stateExport");
            await readAzure(cfg.azure!, recording(lookups.lookup, calls));
            sections.azure = azureStateSection(cfg.azure!.subscriptionId, calls);
            break;
        }
        case "gcp": {
            const { readGcpCloud } = require("./gcp/cloudRead") as typeof import("./gcp/cloudRead");
            const { gcpStateSection } =
                require("../lookup/gcp/stateExport") as typeof import("../lookup/gcp/stateExport");
            await readGcpCloud(cfg.gcp!, recording(lookups.lookup, calls));
            sections.gcp = gcpStateSection(calls);
            break;
        }
    }
    const connectors = connectorsStateSection(calls);
    if (connectors) sections.securityConnectors = connectors;
    return sections;
}

/**
 * Reads `sections` back as the offline plan will read the file (every cloud's reader), so that an
 * answer the format cannot hold fails the export, not a later plan: a CloudStateError naming `file`.
 */
export function checkCloudState(cfg: StackConfig, sections: Record<string, unknown>, file: string): void {
    // Through the text, as the plan will meet it.
    const f = { path: file, sections: parseStackYaml(renderCloudState(sections)) as Record<string, unknown> };
    const { readSection } = require("../lookup/stateFile") as typeof import("../lookup/stateFile");
    if (cfg.cloud === "aws") {
        const { readAwsCloudState } = require("../lookup/aws/stateFile") as typeof import("../lookup/aws/stateFile");
        readSection(f, "aws", (raw, key) => readAwsCloudState(raw, key, cfg.aws!.accountId));
    }
    if (cfg.cloud === "azure") {
        const { readAzureCloudState } =
            require("../lookup/azure/stateFile") as typeof import("../lookup/azure/stateFile");
        readSection(f, "azure", readAzureCloudState);
    }
    if (cfg.cloud === "gcp") {
        const { readGcpCloudState } = require("../lookup/gcp/stateFile") as typeof import("../lookup/gcp/stateFile");
        readSection(f, "gcp", readGcpCloudState);
    }
    if (f.sections.securityConnectors !== undefined) {
        const { readSecurityConnectorsState } =
            require("../lookup/connectors/stateFile") as typeof import("../lookup/connectors/stateFile");
        readSection(f, "securityConnectors", readSecurityConnectorsState);
    }
}
