import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { Moto, startMoto } from "../../fixtures/motoServer";
import { ConditionalProxy, startConditionalProxy } from "../../fixtures/s3ConditionalProxy";
import { S3Store } from "../../../inventory/store/s3";
import { stampedName } from "../../../inventory/store/types";

function client(url: string): S3Client {
    return new S3Client({
        region: "us-east-1",
        endpoint: url,
        forcePathStyle: true,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        // The store's own retries (409) are under test, not the SDK's.
        maxAttempts: 1,
        // The SDK warns on every refused streaming upload; a refused conditional write is expected here.
        logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
}

const WRITERS = 6;
const stamp = "2026-11-24T20-00-00-000Z";

/**
 * Everything wrong with one round of writers that published under one stamp: a name two writers
 * were told they won, a writer whose reported object holds another's data, a record that no
 * reported name holds, a gap in the names. Empty when exactly one writer won each name and every
 * writer reported what it wrote (a name, or an error).
 */
async function raceProblems(
    s3: S3Client,
    bucket: string,
    folder: string,
    outcomes: PromiseSettledResult<string>[],
    runOf: (text: string) => number,
): Promise<string[]> {
    const problems: string[] = [];
    const claimed = new Map<string, number[]>();
    outcomes.forEach((o, run) => {
        if (o.status === "fulfilled") claimed.set(o.value, [...(claimed.get(o.value) ?? []), run]);
    });
    for (const [url, runs] of claimed)
        if (runs.length > 1) problems.push(`${url.split("/").pop()} won by writers ${runs.join(", ")}`);
    const listed = (
        (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${folder}/` }))).Contents ?? []
    ).map((o) => o.Key!.slice(folder.length + 1));
    const names = listed.filter((n) => n.endsWith(".json")).sort();
    const holders = new Map<string, number>();
    for (const n of names) {
        const text = await (
            await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${folder}/${n}` }))
        ).Body!.transformToString();
        holders.set(n, runOf(text));
    }
    outcomes.forEach((o, run) => {
        if (o.status !== "fulfilled") return;
        const name = o.value.split("/").pop()!;
        const held = holders.get(name);
        if (held !== run)
            problems.push(
                `writer ${run} reported ${name}, which holds ${held === undefined ? "nothing" : `writer ${held}'s data`}`,
            );
    });
    const won = outcomes.filter((o) => o.status === "fulfilled").length;
    const expected = Array.from({ length: won }, (_, n) => stampedName(stamp, n)).sort();
    if (JSON.stringify(names) !== JSON.stringify(expected))
        problems.push(`objects ${names.join(" ")}; expected ${expected.join(" ")}`);
    const kept = new Set(holders.values());
    outcomes.forEach((o, run) => {
        if (o.status === "fulfilled" && !kept.has(run))
            problems.push(`writer ${run}'s data is in no object: lost silently`);
    });
    return problems;
}

describe("S3 store: six writers of one stamp under load (moto_server behind a proxy with S3's conditional-write semantics)", function () {
    this.timeout(120_000);
    let moto: Moto;
    let s3: S3Client;
    const bucket = "same-stamp-load";
    before(async () => {
        moto = await startMoto();
        s3 = client(moto.url);
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    });
    after(async () => {
        s3?.destroy();
        await moto?.stop();
    });

    /** Six writers, each its own client (as separate processes), all through `proxy`. */
    async function writers<T>(proxy: ConditionalProxy, each: (c: S3Client, run: number) => Promise<T>) {
        const clients = Array.from({ length: WRITERS }, () => client(proxy.url));
        try {
            return await Promise.allSettled(clients.map((c, run) => each(c, run)));
        } finally {
            for (const c of clients) c.destroy();
        }
    }

    const runRecords = (proxy: ConditionalProxy, folder: string) =>
        writers(proxy, (c, run) =>
            new S3Store(`s3://${bucket}/${folder}`, 1, c).writeRun(stamp, { run, pad: "x".repeat(2000) }),
        );
    const recordRun = (text: string) => JSON.parse(text).run as number;

    it("run records: in every round exactly one writer wins each name, and each reports the object that holds its record", async () => {
        const proxy = await startConditionalProxy(moto.url, { mode: "atomic", jitterMs: 15 });
        try {
            for (let round = 0; round < 5; round++) {
                const folder = `records/${round}`;
                const outcomes = await runRecords(proxy, folder);
                assert.deepEqual(
                    outcomes.filter((o) => o.status === "rejected").map((o) => String(o.reason)),
                    [],
                );
                assert.deepEqual(
                    await raceProblems(s3, bucket, `${folder}/runs`, outcomes, recordRun),
                    [],
                    `round ${round}`,
                );
            }
            assert.ok(proxy.conflicts > 0, "the writers met 409 ConditionalRequestConflict and retried it");
        } finally {
            await proxy.close();
        }
    });

    it("the same check catches two winners of one name: against a store whose conditional write is not atomic (what moto does), records are lost", async () => {
        const proxy = await startConditionalProxy(moto.url, { mode: "racy", jitterMs: 5 });
        try {
            const outcomes = await runRecords(proxy, "racy");
            const problems = await raceProblems(s3, bucket, "racy/runs", outcomes, recordRun);
            assert.ok(
                problems.some((p) => /won by writers \d+, \d+/.test(p)) &&
                    problems.some((p) => /lost silently/.test(p)),
                problems.join("\n"),
            );
        } finally {
            await proxy.close();
        }
    });

    it("snapshots: six commits of one cluster with one stamp each keep their own object, and latest names one of them", async () => {
        const proxy = await startConditionalProxy(moto.url, { mode: "atomic", jitterMs: 15 });
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "s3-same-stamp-load-"));
        try {
            for (let round = 0; round < 2; round++) {
                const folder = `snaps/${round}`;
                const outcomes = await writers(proxy, async (c, run) => {
                    const tempPath = path.join(tmp, `run-${round}-${run}.json`);
                    const pending = { cluster: "shop", stamp, tempPath, fd: fs.openSync(tempPath, "w", 0o600) };
                    fs.writeSync(pending.fd, `{"run":${run}}\n`);
                    const published = await new S3Store(`s3://${bucket}/${folder}`, 10, c, 60_000).commit(pending);
                    assert.deepEqual(published.notes, []);
                    return published.location;
                });
                assert.deepEqual(
                    outcomes.filter((o) => o.status === "rejected").map((o) => String(o.reason)),
                    [],
                );
                assert.deepEqual(
                    await raceProblems(s3, bucket, `${folder}/shop`, outcomes, recordRun),
                    [],
                    `round ${round}`,
                );
                const latest = await new S3Store(`s3://${bucket}/${folder}`, 10, s3).readLatest("shop");
                assert.ok(
                    outcomes.some((o) => o.status === "fulfilled" && o.value === latest!.location),
                    `latest is ${latest?.location}`,
                );
            }
            assert.deepEqual(fs.readdirSync(tmp), [], "every local copy removed");
        } finally {
            await proxy.close();
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
