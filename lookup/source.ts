import * as pulumi from "@pulumi/pulumi";
import { CloudStateFile, readCloudStateFile } from "./stateFile";

/**
 * Where the program's cloud lookups are answered: by the cloud itself (preview and up), or by a
 * cloud-state file (the offline plan, which sets `AGENTLESS_CLOUD_STATE` before importing the
 * program). The file is read on first use, so a stack that looks nothing up needs none.
 */
export interface LookupSource {
    readonly kind: "cloud" | "file";
    /** For messages and notes: "the cloud" or the file's path. */
    readonly description: string;
    /** The state file; throws for "cloud". */
    file(): CloudStateFile;
}

export const CLOUD_STATE_ENV = "AGENTLESS_CLOUD_STATE";

export function cloudSource(): LookupSource {
    return {
        kind: "cloud",
        description: "the cloud",
        file: () => {
            throw new Error("lookups of this run are answered by the cloud, not by a cloud-state file");
        },
    };
}

export function fileSource(path: string): LookupSource {
    let cached: CloudStateFile | undefined;
    return { kind: "file", description: path, file: () => (cached ??= readCloudStateFile(path)) };
}

/**
 * The source for this run. A state file is honoured only under the mock runtime: a real
 * `pulumi up` that imported or skipped objects because a file said so would act on a cloud it
 * never read.
 */
export function lookupSourceForRun(env: NodeJS.ProcessEnv, underMocks: () => boolean): LookupSource {
    const file = env[CLOUD_STATE_ENV];
    if (!file) return cloudSource();
    if (!underMocks()) {
        throw new pulumi.RunError(`${CLOUD_STATE_ENV}=${file} is set, but cloud-state files answer lookups only in the offline plan (npm run plan); unset it for pulumi preview/up, which read the cloud`);
    }
    return fileSource(file);
}
