import { CloudStateFile, readCloudStateFile } from "./stateFile";

/**
 * Where the program's cloud lookups are answered: by the cloud itself (preview and up), or by a
 * cloud-state file (the offline plan, which passes it to the program: index.ts). The file is read
 * on first use, so a stack that looks nothing up needs none.
 */
export interface LookupSource {
    readonly kind: "cloud" | "file";
    /** For messages and notes: "the cloud" or the file's path. */
    readonly description: string;
    /** The state file; throws for "cloud". */
    file(): CloudStateFile;
}

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
