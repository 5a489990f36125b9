import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../../config";
import { readLog } from "../../plan/evaluate";
import { startMockSession } from "../../plan/mockRuntime";
import { formatNote, note, parseNote } from "../../stack/notes";
import { failProgram } from "../../components/shared/programErrors";
import { registered } from "../helpers/pulumi";

describe("notes and program errors travel Pulumi's log, as under the CLI", () => {
    it("formats a note as the line the CLI shows, and reads it back; other lines are not notes", () => {
        const n = {
            kind: "manual-step" as const,
            subject: "eu-west-1/shop",
            message: "run: aws eks update-cluster-config --name shop: then wait",
        };
        assert.equal(
            formatNote(n),
            "[manual-step] eu-west-1/shop: run: aws eks update-cluster-config --name shop: then wait",
        );
        assert.deepEqual(parseNote(formatNote(n)), n);
        assert.deepEqual(parseNote("[info] a: two\nlines"), { kind: "info", subject: "a", message: "two\nlines" });
        assert.equal(parseNote("[debug] a: not a kind of note"), undefined);
        assert.equal(parseNote("Undefined value (connectorId) will not show as a stack output."), undefined);
    });

    it("delivers notes and errors through Pulumi's log, in order, to the mock runtime", async () => {
        const session = await startMockSession(PROJECT, "test");
        await session.settle();
        session.takeLogs();
        await registered(() => {
            const component = new pulumi.ComponentResource("test:index:Thing", "notes-thing", {});
            note("excluded", "eu-west-1/sandbox", "left out: tagged");
            note("info", "notes-thing", "about the component", component);
            void pulumi.log.warn("a provider's warning");
            failProgram(new Error("cluster eu-west-1/shop: refusing to overwrite aws-auth"), component);
        });
        assert.deepEqual(session.takeLogs(), [
            { severity: "info", message: "[excluded] eu-west-1/sandbox: left out: tagged" },
            { severity: "info", message: "[info] notes-thing: about the component" },
            { severity: "warning", message: "a provider's warning" },
            { severity: "error", message: "cluster eu-west-1/shop: refusing to overwrite aws-auth" },
        ]);
    });

    it("reads the log as the plan does: notes, errors as run errors, the rest kept to print", () => {
        const { notes, errors, other } = readLog([
            { severity: "info", message: "[network] gke-a: private endpoint" },
            { severity: "warning", message: "deprecated" },
            { severity: "info", message: "plain" },
            { severity: "debug", message: "hidden" },
            { severity: "error", message: "refusing" },
        ]);
        assert.deepEqual(notes, [{ kind: "network", subject: "gke-a", message: "private endpoint" }]);
        assert.deepEqual(
            errors.map((e) => [pulumi.RunError.isInstance(e), e.message]),
            [[true, "refusing"]],
        );
        assert.deepEqual(other, ["warning: [runtime] deprecated", "info: [runtime] plain"]);
    });

    it("is the mock runtime's engine: pulumi.log sends it every message and prints nothing on the console", async () => {
        const session = await startMockSession(PROJECT, "test");
        await session.settle();
        session.takeLogs();
        const printed: unknown[][] = [];
        const methods = ["log", "info", "warn", "error", "debug"] as const;
        const originals = methods.map((m) => Object.getOwnPropertyDescriptor(console, m)!);
        for (const m of methods) console[m] = (...args: unknown[]) => void printed.push([m, ...args]);
        try {
            await pulumi.log.info("[info] engine-test: two\nlines");
            await pulumi.log.warn("a warning");
            await pulumi.log.error("an error");
            await pulumi.log.debug("the SDK's trace");
        } finally {
            methods.forEach((m, i) => Object.defineProperty(console, m, originals[i]));
        }
        assert.deepEqual(printed, []);
        assert.deepEqual(session.takeLogs(), [
            { severity: "info", message: "[info] engine-test: two\nlines" },
            { severity: "warning", message: "a warning" },
            { severity: "error", message: "an error" },
        ]);
    });
});
