import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile } from "../../config/stackFile";
import { loadGcpConfig } from "../../config/gcp";

function gcpOf(projectNumber: string): unknown {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-"));
    fs.writeFileSync(
        path.join(dir, "Pulumi.g.yaml"),
        `config:\n  agentless-discovery:gcp:\n    projectId: contoso-payments-prod\n    projectNumber: ${projectNumber}\n    connector:\n      enabled: false\n`,
    );
    return JSON.parse(readStackFile("g", {}, dir).config["agentless-discovery:gcp"]);
}

describe("stack files: unquoted numbers", () => {
    it("reads an unquoted 19-digit project number exactly, as written", () => {
        assert.strictEqual(
            loadGcpConfig(gcpOf("1234567890123456789"), "gcp", {
                azureTenantId: "7c1e4b2a-93d5-4f68-a0b7-2e5d9c8f1a36",
            }).projectNumber,
            "1234567890123456789",
        );
        assert.strictEqual(
            loadGcpConfig(gcpOf("482915736204"), "gcp", { azureTenantId: "7c1e4b2a-93d5-4f68-a0b7-2e5d9c8f1a36" })
                .projectNumber,
            "482915736204",
        );
    });

    it("refuses projectNumber 4.8e11 by its written form instead of reading 480000000000", () => {
        assert.throws(
            () => loadGcpConfig(gcpOf("4.8e11"), "gcp", { azureTenantId: "7c1e4b2a-93d5-4f68-a0b7-2e5d9c8f1a36" }),
            (e: Error) =>
                /gcp\.projectNumber/.test(e.message) &&
                e.message.includes('"4.8e11"') &&
                e.message.includes("6 to 19 digits"),
        );
    });
});
