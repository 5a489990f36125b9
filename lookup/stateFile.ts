import { isConfigError } from "../lib/errors";
import { isPlainObject } from "../config/read";
import { parseStackYaml } from "../lib/yaml";
import { FileReadError, MAX_CONFIG_FILE_BYTES, readRegularFile } from "../lib/regularFile";
import { CloudStateError } from "../lib/errors";

/**
 * A cloud-state file: what exists in the stack's cloud (clusters with their facts and tags, and
 * the objects Defender or Microsoft's scripts made), answering every lookup of the offline plan.
 * Each cloud's section is validated by that cloud's reader (`lookup/<cloud>/stateFile.ts`).
 */
export interface CloudStateFile {
    /** As given (relative paths stay relative): it is printed in messages. */
    path: string;
    /** The top-level sections, unvalidated until a cloud's reader takes its own. */
    sections: Record<string, unknown>;
}

/**
 * Top-level keys: one section per cloud, the Azure security connectors that AWS and GCP stacks
 * look up (`securityConnectors`), and a free-text description of the state.
 */
export const CLOUD_STATE_SECTIONS = ["description", "aws", "azure", "gcp", "securityConnectors"] as const;

export function readCloudStateFile(file: string): CloudStateFile {
    let text: string;
    try {
        text = readRegularFile(file);
    } catch (e) {
        const code = (e as FileReadError).code;
        throw new CloudStateError(
            file,
            "(file)",
            undefined,
            code === "ENOENT"
                ? `a YAML file describing what exists in the cloud (see docs/cloud-state.md); give another with --cloud-state FILE`
                : e instanceof FileReadError && (code === "ENOTREG" || code === "ETOOBIG")
                  ? `a regular file of at most ${MAX_CONFIG_FILE_BYTES} bytes (it ${e.reason})`
                  : `a readable file (${code ?? (e as Error).message})`,
        );
    }
    let doc: unknown;
    try {
        doc = parseStackYaml(text);
    } catch (e) {
        throw new CloudStateError(file, "(file)", (e as Error).message.split("\n")[0], "valid YAML");
    }
    if (doc === null || doc === undefined) doc = {};
    if (!isPlainObject(doc))
        throw new CloudStateError(file, "(top level)", doc, `a mapping with keys ${CLOUD_STATE_SECTIONS.join(", ")}`);
    for (const k of Object.keys(doc)) {
        if (!(CLOUD_STATE_SECTIONS as readonly string[]).includes(k)) {
            throw new CloudStateError(
                file,
                k,
                doc[k],
                `no such key; allowed top-level keys: ${CLOUD_STATE_SECTIONS.join(", ")}`,
            );
        }
    }
    return { path: file, sections: doc };
}

/**
 * Validates one cloud's section with that cloud's reader. Readers use the config readers
 * (`config/read.ts`), whose ConfigError names the key path; here it gains the file's name.
 */
export function readSection<T>(
    file: CloudStateFile,
    section: "aws" | "azure" | "gcp" | "securityConnectors",
    read: (raw: unknown, keyPath: string) => T,
): T {
    try {
        return read(file.sections[section], section);
    } catch (e) {
        if (isConfigError(e)) throw new CloudStateError(file.path, e.key, e.value, e.allowed);
        throw e;
    }
}
