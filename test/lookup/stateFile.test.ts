import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readCloudStateFile, readSection } from "../../lookup/stateFile";
import { CloudStateError, cloudReason, LookupError } from "../../lib/errors";
import { cloudSource, fileSource } from "../../lookup/source";
import { object, requiredString } from "../../config/read";

function write(text: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloud-state-"));
    const f = path.join(dir, "s.cloud.yaml");
    fs.writeFileSync(f, text);
    return f;
}

describe("cloud-state files", () => {
    it("keeps each cloud's section for its reader, and a 16-digit number as written", () => {
        const f = write("description: two clusters\naws:\n  accountNumber: 1234567890123456789\n");
        const file = readCloudStateFile(f);
        assert.deepEqual(file.sections.aws, { accountNumber: "1234567890123456789" });
        assert.equal(file.path, f);
    });

    it("refuses an unknown top-level key, naming the file, the key and the allowed keys", () => {
        const f = write("aws: {}\nazrue: {}\n");
        assert.throws(
            () => readCloudStateFile(f),
            (e: Error) =>
                e instanceof CloudStateError &&
                e.message ===
                    `cloud-state file ${f}: key "azrue" has value {}; expected no such key; allowed top-level keys: description, aws, azure, gcp, securityConnectors`,
        );
    });

    it("refuses a missing file, invalid YAML and a top level that is not a mapping", () => {
        assert.throws(
            () => readCloudStateFile("/nonexistent/x.cloud.yaml"),
            /^CloudStateError: cloud-state file \/nonexistent\/x\.cloud\.yaml: key "\(file\)" is missing; expected a YAML file describing what exists in the cloud \(see docs\/cloud-state\.md\); give another with --cloud-state FILE$/,
        );
        assert.throws(
            () => readCloudStateFile(write("aws: [\n")),
            /key "\(file\)" has value ".*"; expected valid YAML/,
        );
        assert.throws(
            () => readCloudStateFile(write("- 1\n- 2\n")),
            /key "\(top level\)" has value \[1,2\]; expected a mapping with keys description, aws, azure, gcp/,
        );
    });

    it("gives a section reader's ConfigError the file's name and keeps its key path", () => {
        const file = readCloudStateFile(write("gcp:\n  clusters: [{ name: 7 }]\n"));
        const reader = (raw: unknown, at: string) => {
            const o = object(raw, at, ["clusters"]);
            return (o.clusters as unknown[]).map((c, i) =>
                requiredString(object(c, `${at}.clusters[${i}]`, ["name"]).name, `${at}.clusters[${i}].name`, {
                    expected: "a cluster name",
                }),
            );
        };
        assert.throws(
            () => readSection(file, "gcp", reader),
            (e: Error) =>
                e instanceof CloudStateError &&
                e.message ===
                    `cloud-state file ${file.path}: key "gcp.clusters[0].name" has value 7; expected a cluster name`,
        );
    });

    it("names the cloud call, the scope and the cloud's reason of a failed lookup", () => {
        const denied = Object.assign(
            new Error("User: arn:aws:iam::123456789012:user/ci is not authorized to perform: eks:ListClusters"),
            { name: "AccessDeniedException" },
        );
        const e = new LookupError("eks:ListClusters", "us-east-1", cloudReason(denied));
        assert.equal(
            e.message,
            "cloud lookup eks:ListClusters in us-east-1 failed: AccessDeniedException: User: arn:aws:iam::123456789012:user/ci " +
                "is not authorized to perform: eks:ListClusters; nothing is declared for us-east-1 until it succeeds",
        );
        assert.equal(e.__pulumiRunError, true);
    });
});

describe("where lookups are answered", () => {
    it("by the cloud, which no state file answers for, or by the state file the offline plan names", () => {
        const cloud = cloudSource();
        assert.equal(cloud.kind, "cloud");
        assert.equal(cloud.description, "the cloud");
        assert.throws(
            () => cloud.file(),
            /^Error: lookups of this run are answered by the cloud, not by a cloud-state file$/,
        );
        const s = fileSource("stacks/x.cloud.yaml");
        assert.equal(s.kind, "file");
        assert.equal(s.description, "stacks/x.cloud.yaml");
    });

    // That a real preview or up reads the cloud, whatever file sits beside the stack, is
    // test/components/shared/languageHost.test.ts ("a real preview or up").

    it("reads the file once, on first use", () => {
        const f = write("aws: {}\n");
        const s = fileSource(f);
        const first = s.file();
        fs.writeFileSync(f, "gcp: {}\n");
        assert.equal(s.file(), first);
        assert.deepEqual(Object.keys(first.sections), ["aws"]);
    });
});
