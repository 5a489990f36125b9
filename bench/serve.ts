import { startKubeApiServer } from "../test/fixtures/kubeApiServer";
import { generateCluster } from "../test/fixtures/clusterGenerator";

/** Serves a generated cluster until killed; prints its URL on the first line. Used by bench/run.ts. */
void (async () => {
    const pods = Number(process.argv[2] ?? 50_000);
    const server = await startKubeApiServer(generateCluster({ pods }), { record: false, lifetimeMs: 0 });
    const counts = Object.fromEntries(Object.entries(server.state.objects).map(([k, v]) => [k, v.length]));
    process.stdout.write(`${server.url}\n${JSON.stringify(counts)}\n`);
    process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
})();
