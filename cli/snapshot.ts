import { EXCLUSION_TAG } from "../domain/shared/exclusion";
import * as fs from "fs";
import { parseArgs, stringFlag, ParsedArgs } from "./args";
import { systemErrorLine, UsageError } from "../lib/errors";
import { FileReadError, openRegularFile } from "../lib/regularFile";
import { writeOut } from "./output";
import { escapeControl } from "../lib/escape";
import { awsRegionProblem } from "../domain/aws/regions";
import {
    defaultKubeconfigPath,
    Kubeconfig,
    KubeconfigError,
    kubeconfigFiles,
    loadKubeconfigs,
} from "../lib/kube/kubeconfig";
import { diffIndexes, renderDiff } from "../inventory/diff";
import { indexFromFile } from "../inventory/snapshotIndex";
import { SnapshotFormatError } from "../inventory/schema";
import { ClusterRunResult, runSnapshots, SnapshotTarget } from "../inventory/run";
import { MAX_SNAPSHOT_BYTES, stampOf, StoreError } from "../inventory/store/types";
import { DiscoveredCluster, DiscoveryResult } from "../lookup/discovery/types";
import { Progress } from "./progress";
import { openStore } from "./store";
import { EXIT_FINDINGS, failOnFlag, findingsCommand, FINDINGS_USAGE } from "./findings";
import { judge, JudgedFinding, readAccepted } from "../inventory/accepted";
import {
    countBySeverity,
    reachesFailOn,
    renderCounts,
    renderFindingLine,
    sortJudged,
} from "../inventory/findingsQuery";
import { clusterKey } from "../inventory/clusterKey";
import { DefenderIdentities, DEFAULT_IDENTITIES } from "../inventory/defenderAccess";

export const EXIT_CLUSTER_FAILED = 3;
export const EXIT_STORE_FAILED = 4;
const CLOUDS = ["aws", "azure", "gcp"] as const;

export const SNAPSHOT_USAGE = `usage: npm run snapshot -- [--kubeconfig F] [--context C | --all-contexts] [--cloud aws|azure|gcp ...] [--out DIR|s3://BUCKET/PREFIX]
       npm run snapshot -- diff [--allow-different-clusters] A.json B.json
       npm run snapshot -- findings [--out DIR] [--cluster K] [--severity S] [--format table|json|markdown] [--fail-on S]
       npm run snapshot -- report [--out DIR] [--html FILE] [--markdown FILE|-]
  Reads each cluster's Kubernetes API (read-only), writes one schema-versioned JSON snapshot per
  cluster into the store, and prints a summary (findings by severity, open high findings listed)
  and the difference from the previous snapshot. The findings command is described below.
  --kubeconfig F     kubeconfig file (default $KUBECONFIG, then ~/.kube/config)
  --context C        a context of the kubeconfig (default: the current context)
  --all-contexts     every context of the kubeconfig
  --cloud NAME       discover clusters with the cloud's API, repeatable: aws, azure, gcp
  --region R         AWS regions to list EKS clusters in, repeatable (default $AWS_REGION)
  --subscription ID  Azure subscription (default $AZURE_SUBSCRIPTION_ID)
  --project ID       Google Cloud project (default $GOOGLE_CLOUD_PROJECT)
  --out DIR          store: a directory (default ./snapshots) or s3://BUCKET[/PREFIX]
  --retain N         snapshots kept per cluster (default 30)
  --concurrency N    clusters read at once (default 2)
  --timeout S        seconds per API request, 1 to 86400 (default 30)
  --kind-deadline S  seconds to list one kind, all pages, 1 to 86400 (default 600)
  --cluster-deadline S  seconds to read one cluster, 1 to 86400 (default 1800)
  --defender-aws-role NAME  the IAM role Defender's discovery uses on EKS (default MDCContainersAgentlessDiscoveryK8sRole)
  --defender-gcp-service-account ID  its service account on GKE, id or email (default mdc-containers-k8s-operator)
  --defender-aks-cluster-role NAME  a ClusterRole that AKS trusted access binds it to, repeatable
                     (default the defender-containers and defender-cloudposture operators' ClusterRoles)
  --show-plugin-errors  print a failing credential plug-in's last error line (secret-shaped parts
                     replaced) on screen and in the run record; by default only its name and exit
                     code are kept, as its words can hold credentials
  --accepted FILE    accepted findings (default ./accepted-findings.yaml when it exists): shown as
                     accepted, not counted toward --fail-on, open again once expired
  --fail-on S        exit 5 when an open (not accepted) finding is of severity S or above: high,
                     medium, low, info
  Exit codes: 0 every cluster read, 2 usage or configuration error, 3 at least one cluster failed,
  4 the store failed during the run (disk full...): the run record could not be written, 5 no
  cluster failed and open findings reach --fail-on.
  diff compares two snapshots of one cluster; snapshots of two different clusters are refused
  unless --allow-different-clusters is given.

${FINDINGS_USAGE}`;

/** High findings printed under a cluster's line; the rest are counted, and listed by "findings". */
const HIGH_LISTED = 20;

function positiveInt(args: ParsedArgs, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = stringFlag(args, name);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max)
        throw new UsageError(`--${name} ${JSON.stringify(v)} must be a whole number from 1 to ${max}`);
    return Number(v);
}

/** Node's timers hold at most 2^31-1 ms (about 24.8 days); beyond that a timer fires at once. One day is plenty for one request. */
export const MAX_TIMEOUT_SECONDS = 86_400;

function loadConfig(files: string[], required: boolean): Kubeconfig | undefined {
    if (!required && !files.some((f) => fs.existsSync(f))) return undefined;
    try {
        return loadKubeconfigs(files);
    } catch (e) {
        if (e instanceof KubeconfigError) throw new UsageError(e.message);
        throw e;
    }
}

function resolveOrUsage(cfg: Kubeconfig, context?: string) {
    try {
        return cfg.resolve(context);
    } catch (e) {
        if (e instanceof KubeconfigError) throw new UsageError(e.message);
        throw e;
    }
}

async function discover(clouds: string[], args: ParsedArgs, identities: DefenderIdentities): Promise<DiscoveryResult> {
    const all: DiscoveryResult = { clusters: [], failures: [] };
    for (const cloud of clouds) {
        let r: DiscoveryResult;
        if (cloud === "aws") {
            const regions =
                args.multi.region ??
                [process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION].filter((x): x is string => Boolean(x));
            if (!regions.length) throw new UsageError("--cloud aws needs at least one --region (or AWS_REGION)");
            for (const region of regions) {
                const problem = awsRegionProblem(region);
                if (problem) throw new UsageError(problem);
            }
            const { discoverEks } = await import("../lookup/discovery/eks");
            r = await discoverEks(regions, undefined, identities.awsRoleName);
        } else if (cloud === "azure") {
            const sub = stringFlag(args, "subscription") ?? process.env.AZURE_SUBSCRIPTION_ID;
            if (!sub) throw new UsageError("--cloud azure needs --subscription (or AZURE_SUBSCRIPTION_ID)");
            const [{ discoverAks }, { addTrustedAccessBindings }, { liveAzureLookup }, { DefaultAzureCredential }] =
                await Promise.all([
                    import("../lookup/discovery/aks"),
                    import("../lookup/discovery/aksTrustedAccess"),
                    import("../lookup/azure/live"),
                    import("@azure/identity"),
                ]);
            const credential = new DefaultAzureCredential();
            r = await discoverAks(sub, credential);
            await addTrustedAccessBindings(r, liveAzureLookup(sub, credential));
        } else {
            const project = stringFlag(args, "project") ?? process.env.GOOGLE_CLOUD_PROJECT;
            if (!project) throw new UsageError("--cloud gcp needs --project (or GOOGLE_CLOUD_PROJECT)");
            const [{ discoverGke }, { addDefenderProjectRoles }, { liveGcpLookup }] = await Promise.all([
                import("../lookup/discovery/gke"),
                import("../lookup/discovery/gkeIam"),
                import("../lookup/gcp/live"),
            ]);
            r = await discoverGke(project);
            await addDefenderProjectRoles(r, liveGcpLookup(), project, identities.gcpServiceAccount);
        }
        all.clusters.push(...r.clusters);
        all.failures.push(...r.failures);
    }
    return all;
}

function discoveredTarget(c: DiscoveredCluster, cfg: Kubeconfig | undefined): SnapshotTarget {
    // The user's own kubeconfig context for the same API server wins over the cloud's plug-in.
    const context =
        cfg && c.server
            ? cfg.contexts.find((name) => {
                  try {
                      return cfg.resolve(name).server === c.server!.replace(/\/+$/, "");
                  } catch {
                      return false;
                  }
              })
            : undefined;
    const cloud = { id: c.id, location: c.location, version: c.version, tags: c.tags, ...c.details };
    return {
        identity: { name: c.name, server: c.server ?? "", source: c.cloud, ...(context ? { context } : {}), cloud },
        access: async () => {
            if (context) return cfg!.resolve(context);
            if (!c.access) throw new Error(`${c.cloud} reported no API server endpoint for ${c.name}`);
            return c.access();
        },
    };
}

export function summaryLine(r: ClusterRunResult, judged: JudgedFinding[] = []): string {
    if (r.status === "failed") return escapeControl(`✗ ${r.cluster}: FAILED — ${r.reason}`);
    if (r.status === "excluded") return escapeControl(`- ${r.cluster}: excluded — ${r.reason}`);
    const objects = Object.values(r.counts ?? {}).reduce((a, b) => a + b, 0);
    const kinds = Object.entries(r.counts ?? {})
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ");
    const lines = [
        `✓ ${r.cluster}: ${r.status}, ${objects} objects (${kinds}), ${judged.length} findings (${renderCounts(countBySeverity(judged))}) → ${r.snapshot}`,
    ];
    for (const k of r.kindErrors ?? []) lines.push(`    ${k.kind} not read: ${k.message}`);
    for (const u of r.unknownFindings ?? []) lines.push(`    ${u.rule} unknown: ${u.reason}`);
    // High findings are listed while they are open, not only when they open: a run's reader sees them all.
    const high = judged.filter((j) => j.finding.severity === "high");
    for (const j of high.slice(0, HIGH_LISTED)) lines.push(`    ${renderFindingLine(j)}`);
    if (high.length > HIGH_LISTED)
        lines.push(
            `    ... and ${high.length - HIGH_LISTED} more high findings: npm run snapshot -- findings --severity high`,
        );
    if (r.diff)
        lines.push(
            ...renderDiff(r.diff)
                .trimEnd()
                .split("\n")
                .map((l, i) => (i === 0 ? `    since ${r.previous}: ${l}` : `  ${l}`)),
        );
    else if (r.diffUnavailable) lines.push(`    diff unavailable: ${r.diffUnavailable}`);
    else lines.push("    first snapshot of this cluster");
    for (const note of r.notes ?? []) lines.push(`    note: ${note}`);
    // Names, paths and server messages come from the cluster: one of them must never make a line of its own.
    return lines.map(escapeControl).join("\n");
}

async function diffCommand(argv: string[]): Promise<number> {
    const args = parseArgs(argv, { values: [], booleans: ["allow-different-clusters"] });
    const files = args.positional;
    if (files.length !== 2)
        throw new UsageError("usage: npm run snapshot -- diff [--allow-different-clusters] A.json B.json");
    // Each file is indexed line by line (a hash per object); only changed objects are read back from it.
    const [a, b] = files.map((f) => {
        let fd: number;
        try {
            fd = openRegularFile(f, MAX_SNAPSHOT_BYTES);
        } catch (e) {
            if (e instanceof FileReadError)
                throw new UsageError(
                    e.code === "ENOTREG" || e.code === "ETOOBIG"
                        ? `snapshot ${e.message}`
                        : `snapshot ${f} cannot be read (${e.code})`,
                );
            throw e;
        }
        try {
            return indexFromFile(fd, f);
        } catch (e) {
            if (e instanceof SnapshotFormatError) throw new UsageError(e.message);
            if (e instanceof RangeError)
                throw new UsageError(`snapshot ${f} is nested too deeply to read (${e.message})`);
            throw e;
        }
    });
    // The store's key of each snapshot's cluster, recomputed from its identity for snapshots older than keys.
    const [keyA, keyB] = [a, b].map((x) => x.header.cluster.key ?? clusterKey(x.header.cluster));
    if (keyA !== keyB && args.flags["allow-different-clusters"] !== true)
        throw new UsageError(
            `snapshots ${files[0]} and ${files[1]} are of different clusters, ${JSON.stringify(a.header.cluster.name)} (${keyA}) and ${JSON.stringify(b.header.cluster.name)} (${keyB}): their difference is not a change of either; pass --allow-different-clusters to compare them anyway`,
        );
    const header =
        keyA === keyB
            ? `${a.header.cluster.name}: ${a.header.startedAt} → ${b.header.startedAt}`
            : `${a.header.cluster.name} (${a.header.startedAt}) → ${b.header.cluster.name} (${b.header.startedAt})`;
    let diff: string;
    try {
        diff = renderDiff(diffIndexes(a.index, b.index), 200);
        a.index.texts.close();
        b.index.texts.close();
    } catch (e) {
        // An object nested deeper than the comparison's recursion can go.
        if (e instanceof RangeError)
            throw new UsageError(
                `snapshots ${files[0]} and ${files[1]} hold objects nested too deeply to compare (${e.message})`,
            );
        throw e;
    }
    await writeOut(`${escapeControl(header)}\n${diff}`);
    return 0;
}

/** The names of Defender's discovery identity, where a stack chose other names than Microsoft's. */
function defenderIdentities(args: ParsedArgs): DefenderIdentities {
    const name = (flag: string, value: string | undefined, pattern: RegExp, allowed: string) => {
        if (value !== undefined && !pattern.test(value))
            throw new UsageError(`--${flag} ${JSON.stringify(value)} is not allowed; expected ${allowed}`);
        return value;
    };
    const roles = args.multi["defender-aks-cluster-role"] ?? [];
    for (const r of roles) name("defender-aks-cluster-role", r, /^[^\s/]{1,253}$/, "a ClusterRole name");
    return {
        awsRoleName:
            name(
                "defender-aws-role",
                stringFlag(args, "defender-aws-role"),
                /^[\w+=,.@-]{1,64}$/,
                "an IAM role name",
            ) ?? DEFAULT_IDENTITIES.awsRoleName,
        gcpServiceAccount:
            name(
                "defender-gcp-service-account",
                stringFlag(args, "defender-gcp-service-account"),
                /^[a-z][a-z0-9-]{4,28}[a-z0-9](@[a-z0-9.-]+)?$/,
                "a service account id or email",
            ) ?? DEFAULT_IDENTITIES.gcpServiceAccount,
        aksClusterRoles: roles.length ? roles : DEFAULT_IDENTITIES.aksClusterRoles,
    };
}

export async function snapshotCommand(argv: string[]): Promise<number> {
    if (argv[0] === "diff") return diffCommand(argv.slice(1));
    if (argv[0] === "findings") return findingsCommand(argv.slice(1), (out) => openStore(out, 30));
    if (argv[0] === "report") return (await import("./report")).reportCommand(argv.slice(1));
    const args = parseArgs(argv, {
        values: [
            "kubeconfig",
            "context",
            "out",
            "retain",
            "concurrency",
            "timeout",
            "kind-deadline",
            "cluster-deadline",
            "subscription",
            "project",
            "accepted",
            "fail-on",
            "defender-aws-role",
            "defender-gcp-service-account",
        ],
        booleans: ["all-contexts", "show-plugin-errors"],
        repeatable: ["cloud", "region", "defender-aks-cluster-role"],
    });
    if (args.positional.length)
        throw new UsageError(
            `unexpected argument ${JSON.stringify(args.positional[0])}; did you mean "snapshot -- diff A B" or "snapshot -- findings"?`,
        );
    const failOn = failOnFlag(args);
    const accepted = readAccepted(stringFlag(args, "accepted"));
    const clouds = [...new Set(args.multi.cloud ?? [])];
    for (const c of clouds)
        if (!(CLOUDS as readonly string[]).includes(c))
            throw new UsageError(`--cloud ${JSON.stringify(c)} is not allowed; use one of ${CLOUDS.join(", ")}`);
    const context = stringFlag(args, "context");
    const allContexts = args.flags["all-contexts"] === true;
    if (context && allContexts) throw new UsageError("--context and --all-contexts exclude each other");
    const retain = positiveInt(args, "retain", 30);
    const concurrency = positiveInt(args, "concurrency", 2);
    const timeoutMs = positiveInt(args, "timeout", 30, MAX_TIMEOUT_SECONDS) * 1000;
    const kindDeadlineMs = positiveInt(args, "kind-deadline", 600, MAX_TIMEOUT_SECONDS) * 1000;
    const clusterDeadlineMs = positiveInt(args, "cluster-deadline", 1800, MAX_TIMEOUT_SECONDS) * 1000;

    const identities = defenderIdentities(args);
    const kubeconfigPath = stringFlag(args, "kubeconfig") ?? defaultKubeconfigPath();
    const wantContexts = !clouds.length || context !== undefined || allContexts;
    const cfg = loadConfig(
        kubeconfigFiles(stringFlag(args, "kubeconfig")),
        wantContexts || stringFlag(args, "kubeconfig") !== undefined,
    );

    const targets: SnapshotTarget[] = [];
    if (wantContexts) {
        const names = allContexts ? cfg!.contexts : [context ?? cfg!.currentContext ?? ""];
        if (allContexts && !names.length) throw new UsageError(`kubeconfig ${kubeconfigPath} has no contexts`);
        for (const name of names) {
            const access = resolveOrUsage(cfg!, name || undefined);
            targets.push({
                identity: { name: access.name, server: access.server, source: "kubeconfig", context: access.name },
                access: async () => access,
            });
        }
    }

    const store = openStore(stringFlag(args, "out") ?? "snapshots", retain);
    try {
        await store.check();
    } catch (e) {
        if (e instanceof StoreError) throw new UsageError(e.message);
        throw e;
    }

    const started = new Date();
    const excluded: ClusterRunResult[] = [];
    const discoveryFailures: DiscoveryResult["failures"] = [];
    if (clouds.length) {
        const found = await discover(clouds, args, identities);
        discoveryFailures.push(...found.failures);
        const servers = new Set(targets.map((t) => t.identity.server));
        for (const c of found.clusters) {
            if (c.excluded) {
                excluded.push({
                    cluster: c.name,
                    source: c.cloud,
                    status: "excluded",
                    reason: `tagged ${EXCLUSION_TAG}=true (${c.id})`,
                });
                continue;
            }
            if (c.server && servers.has(c.server.replace(/\/+$/, ""))) continue;
            targets.push(discoveredTarget(c, cfg));
        }
    }

    const progress = new Progress(process.stderr, targets.length);
    let findingsReached = false;
    const results = await runSnapshots(targets, store, {
        concurrency,
        client: { timeoutMs, exec: { showErrors: args.flags["show-plugin-errors"] === true } },
        kindDeadlineMs,
        clusterDeadlineMs,
        identities,
        onObjects: (n) => progress.objects(n),
        onClusterDone: (r) => {
            progress.clusterDone();
            progress.clear();
            const judged = sortJudged(
                judge(r.findingList ?? [], { name: r.cluster, key: r.key }, accepted.entries, started),
            );
            if (r.findingList) {
                const counts = countBySeverity(judged);
                r.severities = counts.open;
                r.accepted = counts.accepted;
            }
            if (reachesFailOn(judged, failOn)) findingsReached = true;
            delete r.findingList;
            process.stdout.write(summaryLine(r, judged) + "\n");
            // Printed: from here on the run record needs only the diff's counts, not its lists.
            if (r.diff) {
                const d = r.diff;
                r.diffCounts = {
                    added: d.added.length,
                    removed: d.removed.length,
                    changed: d.changed.length,
                    findingsOpened: d.opened.length,
                    findingsClosed: d.closed.length,
                };
                delete r.diff;
            }
        },
    });
    progress.clear();
    for (const r of excluded) process.stdout.write(summaryLine(r) + "\n");
    for (const f of discoveryFailures)
        process.stdout.write(`${escapeControl(`✗ discovery ${f.cloud} ${f.scope}: FAILED — ${f.message}`)}\n`);

    const all = [...results, ...excluded];
    const failed = all.filter((r) => r.status === "failed").length + discoveryFailures.length;
    const record = {
        schemaVersion: 1,
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        clusters: all.map(({ diffCounts, ...r }) => ({ ...r, ...(diffCounts ? { diff: diffCounts } : {}) })),
        discoveryFailures,
    };
    let runFile: string;
    try {
        runFile = await store.writeRun(stampOf(started), record);
    } catch (e) {
        // Clusters already published stay published; the missing record is the run's failure.
        process.stderr.write(
            `error: the run record could not be written to ${store.location}: ${systemErrorLine(e) ?? (e as Error).message}\n`,
        );
        return EXIT_STORE_FAILED;
    }
    const ok = all.filter((r) => r.status === "complete" || r.status === "partial").length;
    await writeOut(
        `${ok} cluster(s) snapshotted, ${failed} failed, ${excluded.length} excluded; run record ${runFile}\n`,
    );
    if (!targets.length && !excluded.length && !discoveryFailures.length)
        process.stderr.write("note: no cluster was found to snapshot\n");
    if (failed) return EXIT_CLUSTER_FAILED;
    return findingsReached ? EXIT_FINDINGS : 0;
}
