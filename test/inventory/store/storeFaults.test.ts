import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateBucketCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { LocalStore } from "../../../inventory/store/local";
import { S3Store } from "../../../inventory/store/s3";
import { StoreFs } from "../../../inventory/store/storeFs";
import { snapshotCluster, SnapshotTarget } from "../../../inventory/run";
import { clusterKey } from "../../../inventory/clusterKey";
import { summaryLine } from "../../../cli/snapshot";
import { FixtureServer, startKubeApiServer } from "../../fixtures/kubeApiServer";
import { generateCluster } from "../../fixtures/clusterGenerator";
import { Moto, startMoto } from "../../fixtures/motoServer";

const s3Client = (url: string) =>
    new S3Client({
        region: "us-east-1",
        endpoint: url,
        forcePathStyle: true,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });

type Op = keyof StoreFs;

/** What the store asked of the file system: the call and the file it concerns (a descriptor's file for fd calls). */
interface Call {
    op: Op;
    file: string;
}

/** An operating-system error as Node raises it, without a path (as for write and fsync). */
function osError(code: string, syscall: string): NodeJS.ErrnoException {
    return Object.assign(new Error(`${code}: simulated, ${syscall}`), { code, syscall });
}

/**
 * The real file system, except that `fault` may fail a call: an error to throw, or "short" for a
 * write that stores half its bytes and reports that count without an error (what write(2) does
 * when the disk fills midway). Records every call.
 */
function faultyFs(fault: (c: Call) => NodeJS.ErrnoException | "short" | undefined): StoreFs & { calls: Call[] } {
    const files = new Map<number, string>();
    const calls: Call[] = [];
    const real = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
    const wrapped: Record<string, unknown> = { calls };
    for (const op of [
        "openSync",
        "writeSync",
        "fsyncSync",
        "closeSync",
        "renameSync",
        "linkSync",
        "rmSync",
        "existsSync",
        "readdirSync",
        "readFileSync",
        "statSync",
    ] as Op[]) {
        wrapped[op] = (...args: unknown[]) => {
            const file = typeof args[0] === "number" ? (files.get(args[0]) ?? `fd ${args[0]}`) : String(args[0]);
            const call = { op, file };
            calls.push(call);
            const f = fault(call);
            if (f === "short" && op === "writeSync") {
                const [fd, buf, off, len] = args as [number, Buffer, number, number];
                return fs.writeSync(fd, buf, off, Math.max(1, Math.floor(len / 2)));
            }
            if (f && f !== "short") throw f;
            const r = real[op](...args);
            if (op === "openSync") files.set(r as number, String(args[0]));
            return r;
        };
    }
    return wrapped as unknown as StoreFs & { calls: Call[] };
}

const FIRST = new Date("2026-12-01T10:00:00.000Z");
const SECOND = new Date("2026-12-01T11:00:00.000Z");
const P = "2026-12-01T10-00-00-000Z.json";
const N = "2026-12-01T11-00-00-000Z.json";
const OUT = "OUT";

describe("local store at a nearly full disk: each write step of publishing fails in turn", function () {
    this.timeout(60_000);
    let server: FixtureServer;
    before(async () => {
        server = await startKubeApiServer(generateCluster({ pods: 4, nodes: 1 }));
    });
    after(() => server.close());

    const target = (): SnapshotTarget => ({
        identity: { name: "shop", server: server.url, source: "kubeconfig" },
        access: async () => ({ name: "shop", server: server.url, insecureSkipTlsVerify: false }),
    });

    /** A store holding one good snapshot P of the cluster, and the cluster's folder. */
    async function storeWithPrevious(): Promise<{ out: string; dir: string }> {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "store-faults-"));
        const r = await snapshotCluster(target(), new LocalStore(out, 5), { now: () => FIRST });
        assert.equal(r.status, "complete", r.reason);
        return { out, dir: path.join(out, clusterKey(target().identity)) };
    }

    const isTemp = (name: string) => (c: Call) => path.basename(c.file).startsWith(name);
    const snapshotTemp = isTemp(".tmp-2026-12-01T11");
    const pointerTemp = isTemp(".tmp-latest-");
    const enospc = (op: Op, syscall: string, on: (c: Call) => boolean) => (c: Call) =>
        c.op === op && on(c) ? osError("ENOSPC", syscall) : undefined;
    const notPublished = (syscall: string) =>
        `the snapshot was read but not published in ${OUT} (no space left on the device (ENOSPC, ${syscall})); the store is as it was before this run`;
    const pointerRemoved = (syscall: string) =>
        `the latest pointer could not be moved to ${N} (no space left on the device (ENOSPC, ${syscall})); the pointer was removed, so readers take the newest snapshot, ${N}`;

    const cases: {
        step: string;
        fault: (c: Call) => NodeJS.ErrnoException | "short" | undefined;
        retain?: number;
        reason?: string;
        notes?: string[];
        reader: string;
        files: string[];
    }[] = [
        {
            step: "fsync of the snapshot (delayed allocation reports ENOSPC here)",
            fault: enospc("fsyncSync", "fsync", snapshotTemp),
            reason: notPublished("fsync"),
            reader: P,
            files: [P, "latest"],
        },
        {
            step: "the lock file's contents",
            fault: enospc("writeSync", "write", isTemp(".lock")),
            reason: notPublished("write"),
            reader: P,
            files: [P, "latest"],
        },
        {
            step: "the rename that publishes the snapshot",
            fault: enospc("renameSync", "rename", snapshotTemp),
            reason: notPublished("rename"),
            reader: P,
            files: [P, "latest"],
        },
        {
            step: "creating the pointer's temporary file",
            fault: enospc("openSync", "open", pointerTemp),
            notes: [pointerRemoved("open")],
            reader: N,
            files: [P, N],
        },
        {
            step: "writing the pointer",
            fault: enospc("writeSync", "write", pointerTemp),
            notes: [pointerRemoved("write")],
            reader: N,
            files: [P, N],
        },
        {
            step: "writing the pointer: half of it stored, then ENOSPC",
            fault: (() => {
                let first = true;
                return (c: Call) => {
                    if (c.op !== "writeSync" || !pointerTemp(c)) return undefined;
                    if (!first) return osError("ENOSPC", "write");
                    first = false;
                    return "short";
                };
            })(),
            notes: [pointerRemoved("write")],
            reader: N,
            files: [P, N],
        },
        {
            step: "fsync of the pointer",
            fault: enospc("fsyncSync", "fsync", pointerTemp),
            notes: [pointerRemoved("fsync")],
            reader: N,
            files: [P, N],
        },
        {
            step: "the rename of the pointer",
            fault: enospc("renameSync", "rename", pointerTemp),
            notes: [pointerRemoved("rename")],
            reader: N,
            files: [P, N],
        },
        {
            step: "writing the pointer, and removing the old one fails too (read-only remount)",
            fault: (c) =>
                c.op === "writeSync" && pointerTemp(c)
                    ? osError("ENOSPC", "write")
                    : c.op === "rmSync" && path.basename(c.file) === "latest"
                      ? osError("EROFS", "unlink")
                      : undefined,
            notes: [
                `the latest pointer could not be moved to ${N} (no space left on the device (ENOSPC, write)) nor removed (the file system is read-only (EROFS, unlink)); readers take ${P} until a later run moves the pointer`,
            ],
            reader: P,
            files: [P, N, "latest"],
        },
        {
            step: "retention (removing the snapshot beyond --retain 1)",
            retain: 1,
            fault: (c) => (c.op === "rmSync" && path.basename(c.file) === P ? osError("EROFS", "unlink") : undefined),
            notes: [
                "snapshots beyond --retain 1 were not removed (the file system is read-only (EROFS, unlink)); a later run removes them",
            ],
            reader: N,
            files: [P, N, "latest"],
        },
    ];

    for (const c of cases) {
        it(`${c.step}: ${c.reason ? "FAILED, nothing published" : "published, with a note"}; a later reader takes ${c.reader === P ? "the previous" : "the new"} snapshot`, async () => {
            const { out, dir } = await storeWithPrevious();
            try {
                const sim = faultyFs(c.fault);
                const r = await snapshotCluster(target(), new LocalStore(out, c.retain ?? 5, sim), {
                    now: () => SECOND,
                });
                const told = summaryLine(r).replaceAll(out, OUT);
                if (c.reason) {
                    assert.equal(r.status, "failed");
                    assert.equal(told, `✗ shop: FAILED — ${c.reason}`);
                    assert.equal(r.snapshot, undefined);
                } else {
                    assert.equal(r.status, "complete", r.reason);
                    assert.equal(r.snapshot, path.join(dir, N));
                    assert.deepEqual(r.notes, c.notes);
                    const lines = told.split("\n");
                    assert.match(lines[0], new RegExp(`^✓ shop: complete, .* → ${OUT}/.*/${N.replace(/\./g, "\\.")}$`));
                    assert.deepEqual(
                        lines.filter((l) => l.startsWith("    note: ")),
                        c.notes!.map((n) => `    note: ${n}`),
                    );
                }
                // What a later run reads, with a file system that works again.
                const later = await new LocalStore(out, 5).readLatest(clusterKey(target().identity));
                assert.equal(path.basename(later!.location), c.reader);
                assert.equal(JSON.parse(later!.text).startedAt, (c.reader === P ? FIRST : SECOND).toISOString());
                assert.deepEqual(fs.readdirSync(dir).sort(), c.files, "no temporary file, no lock, no half pointer");
                if (fs.existsSync(path.join(dir, "latest")))
                    assert.equal(fs.readFileSync(path.join(dir, "latest"), "utf8"), `${c.reader}\n`);
                // The snapshot's descriptor is closed once: a second close could hit a number another file reuses.
                const snapshotCloses = sim.calls.filter((x) => x.op === "closeSync" && snapshotTemp(x));
                assert.equal(snapshotCloses.length, 1);
            } finally {
                fs.rmSync(out, { recursive: true, force: true });
            }
        });
    }

    it("a run record: ENOSPC leaves no record and no temporary file; a short write is completed, never published short", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "store-faults-runs-"));
        try {
            const stamp = "2026-12-01T11-00-00-000Z";
            const record = {
                clusters: Array.from({ length: 50 }, (_, i) => ({ cluster: `c${i}`, status: "complete" })),
            };
            const failing = new LocalStore(out, 5, faultyFs(enospc("writeSync", "write", isTemp(".tmp-.tmp-run-"))));
            await assert.rejects(failing.writeRun(stamp, record), { code: "ENOSPC", syscall: "write" });
            assert.deepEqual(fs.readdirSync(path.join(out, "runs")), []);

            // Half stored and reported; the store writes the rest (here the disk has room again).
            let writes = 0;
            const shortFs = faultyFs((c) =>
                c.op === "writeSync" && isTemp(".tmp-.tmp-run-")(c) && writes++ === 0 ? "short" : undefined,
            );
            const file = await new LocalStore(out, 5, shortFs).writeRun(stamp, record);
            assert.ok(writes > 1, "the first write was cut short");
            assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")), record);
            assert.deepEqual(fs.readdirSync(path.join(out, "runs")), [`${stamp}.json`]);
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});

describe("S3 store: the latest pointer refused after the snapshot was published (moto_server)", function () {
    this.timeout(60_000);
    let moto: Moto;
    const bucket = "pointer-faults";
    const stamp = (d: Date) => d.toISOString().replace(/:/g, "-").replace(".", "-");
    before(async () => {
        moto = await startMoto();
        const s3 = s3Client(moto.url);
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        s3.destroy();
    });
    after(() => moto?.stop());

    /** A client whose PutObject (and, when asked, DeleteObject) of the pointer object S3 refuses. */
    function refusing(deleteToo: boolean): S3Client {
        const c = s3Client(moto.url);
        c.middlewareStack.add(
            (next, context) => async (args) => {
                const input = args.input as { Key?: string };
                const refused =
                    input.Key?.endsWith("/latest") &&
                    (context.commandName === "PutObjectCommand" ||
                        (deleteToo && context.commandName === "DeleteObjectCommand"));
                if (refused)
                    throw new S3ServiceException({
                        name: "SlowDown",
                        $fault: "server",
                        $metadata: { httpStatusCode: 503 },
                        message: "Please reduce your request rate.",
                    });
                return next(args);
            },
            { step: "initialize" },
        );
        return c;
    }

    async function commit(store: S3Store, at: Date, body: string) {
        const tempPath = path.join(os.tmpdir(), `pointer-faults-${process.pid}-${at.getTime()}.json`);
        const p = { cluster: "shop", stamp: stamp(at), tempPath, fd: fs.openSync(tempPath, "w", 0o600) };
        fs.writeSync(p.fd, body);
        return store.commit(p);
    }

    for (const deleteToo of [false, true]) {
        it(
            deleteToo
                ? "and the pointer cannot be deleted either: published, the note says readers take the previous snapshot"
                : "published, the pointer deleted, and the note says readers take the new snapshot",
            async () => {
                const prefix = `p-${deleteToo}`;
                const good = s3Client(moto.url);
                const bad = refusing(deleteToo);
                try {
                    await commit(new S3Store(`s3://${bucket}/${prefix}`, 5, good), FIRST, '{"run":"first"}\n');
                    const published = await commit(
                        new S3Store(`s3://${bucket}/${prefix}`, 5, bad),
                        SECOND,
                        '{"run":"second"}\n',
                    );
                    assert.equal(published.location, `s3://${bucket}/${prefix}/shop/${N}`);
                    const refusedPut = `the latest pointer could not be moved to ${N} (SlowDown: Please reduce your request rate.)`;
                    assert.deepEqual(
                        published.notes,
                        deleteToo
                            ? [
                                  `${refusedPut} nor removed (SlowDown: Please reduce your request rate.); readers take ${P} until a later run moves the pointer`,
                              ]
                            : [`${refusedPut}; the pointer was removed, so readers take the newest snapshot, ${N}`],
                    );
                    const later = await new S3Store(`s3://${bucket}/${prefix}`, 5, good).readLatest("shop");
                    assert.deepEqual(
                        [later!.location, JSON.parse(later!.text).run],
                        deleteToo
                            ? [`s3://${bucket}/${prefix}/shop/${P}`, "first"]
                            : [`s3://${bucket}/${prefix}/shop/${N}`, "second"],
                    );
                } finally {
                    good.destroy();
                    bad.destroy();
                }
            },
        );
    }
});
