import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../../config";
import { readLog } from "../../lib/evaluate";
import { startMockSession } from "../../lib/mockRuntime";
import { formatNote, note, parseNote } from "../../lib/notes";
import { failProgram } from "../../lib/programErrors";
import { registered } from "../helpers/pulumi";

describe("notes and program errors travel Pulumi's log, as under the CLI", () => {
    it("formats a note as the line the CLI shows, and reads it back; other lines are not notes", () => {
        const n = { kind: "manual-step" as const, subject: "eu-west-1/shop", message: "run: aws eks update-cluster-config --name shop: then wait" };
        assert.equal(formatNote(n), "[manual-step] eu-west-1/shop: run: aws eks update-cluster-config --name shop: then wait");
        assert.deepEqual(parseNote(formatNote(n)), n);
        assert.deepEqual(parseNote("[info] a: two\nlines"), { kind: "info", subject: "a", message: "two\nlines" });
        assert.equal(parseNote("[debug] a: not a kind of note"), undefined);
        assert.equal(parseNote("Undefined value (connectorId) will not show as a stack output."), undefined);
    });

    it("delivers notes and errors to the mock runtime's engine in order, with the resource they are about", async () => {
        const session = await startMockSession(PROJECT, "test");
        await session.settle();
        session.takeLogs();
        let component: pulumi.ComponentResource | undefined;
        await registered(() => {
            component = new pulumi.ComponentResource("test:index:Thing", "notes-thing", {});
            note("excluded", "eu-west-1/sandbox", "left out: tagged");
            note("info", "notes-thing", "about the component", component);
            void pulumi.log.warn("a provider's warning");
            failProgram(new Error("cluster eu-west-1/shop: refusing to overwrite aws-auth"), component);
        });
        await session.settle();
        // The SDK also logs each RPC at debug level, as it does to the CLI's engine.
        const logs = session.takeLogs().filter((l) => l.severity !== "debug");
        const urn = await new Promise<string>((resolve) => component!.urn.apply(resolve));
        assert.deepEqual(logs, [
            { severity: "info", message: "[excluded] eu-west-1/sandbox: left out: tagged", urn: "" },
            { severity: "info", message: "[info] notes-thing: about the component", urn },
            { severity: "warning", message: "a provider's warning", urn: "" },
            { severity: "error", message: "cluster eu-west-1/shop: refusing to overwrite aws-auth", urn },
        ]);
        assert.match(urn, /::test:index:Thing::notes-thing$/);
    });

    it("reads the log as the plan does: notes, errors as run errors, the rest printed as the SDK prints it", () => {
        const printed: string[] = [];
        const { warn, log } = console;
        console.warn = (s: string) => printed.push(s);
        console.log = (s: string) => printed.push(s);
        try {
            const { notes, errors } = readLog([
                { severity: "info", message: "[network] gke-a: private endpoint", urn: "" },
                { severity: "warning", message: "deprecated", urn: "" },
                { severity: "info", message: "plain", urn: "" },
                { severity: "debug", message: "hidden", urn: "" },
                { severity: "error", message: "refusing", urn: "" },
            ]);
            assert.deepEqual(notes, [{ kind: "network", subject: "gke-a", message: "private endpoint" }]);
            assert.deepEqual(errors.map((e) => [pulumi.RunError.isInstance(e), e.message]), [[true, "refusing"]]);
        } finally {
            console.warn = warn;
            console.log = log;
        }
        assert.deepEqual(printed, ["warning: [runtime] deprecated", "info: [runtime] plain"]);
    });
});
