import { startKubeApiServer } from "../test/fixtures/kubeApiServer";
import { generateCluster } from "../test/fixtures/clusterGenerator";

/**
 * Serves a cluster of large objects until killed; prints its URL. `annotations`: 3,000 pods with a
 * 200 KB annotation each; `label`: one pod with a 100 MB label. Used by bench/memory.ts.
 */
void (async () => {
    const mode = process.argv[2];
    const state = generateCluster({ pods: mode === "annotations" ? 3000 : 10 });
    if (mode === "annotations") {
        // One string shared by every pod: the server stays small, the wire carries 600 MB.
        const big = "a".repeat(200 * 1024);
        for (const p of state.objects.Pod) p.metadata.annotations = { "example.com/blob": big };
    } else {
        const p = state.objects.Pod[0];
        p.metadata.labels = { ...p.metadata.labels, huge: "l".repeat(100 * 1024 * 1024) };
    }
    const server = await startKubeApiServer(state, { record: false, lifetimeMs: 0 });
    process.stdout.write(`${server.url}\n`);
    process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
})();
