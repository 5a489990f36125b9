import { strict as assert } from "assert";
import { helmChartsPinned } from "../../../policies/rules/helmChartsPinned";

const SENSOR = "oci://mcr.microsoft.com/azuredefender/microsoft-defender-for-containers";
const chart = (version: unknown) =>
    helmChartsPinned.validate({
        type: "kubernetes:helm.sh/v4:Chart",
        name: "eks-lab-dublin-sensor",
        inputs: { chart: SENSOR, name: "defender-k8s", version },
    });

describe("helm-chart-versions-pinned: versions", () => {
    it("passes an exact version with Helm's v prefix, and a prerelease that ends in v", () => {
        assert.deepEqual(chart("v0.9.2"), []);
        assert.deepEqual(chart("0.9.2-v"), []);
    });

    it("fails an empty or null version as missing, and a number as not exact", () => {
        for (const version of ["", null]) {
            assert.deepEqual(
                chart(version),
                [`chart ${SENSOR} has no version: it would float to the newest`],
                String(version),
            );
        }
        assert.deepEqual(chart(1), [`chart ${SENSOR} version "1" is not an exact version`]);
        assert.deepEqual(chart("vv0.9.2"), [`chart ${SENSOR} version "vv0.9.2" is not an exact version`]);
    });

    it("judges a v3 Release whose chart is not known by its name", () => {
        assert.deepEqual(
            helmChartsPinned.validate({ type: "kubernetes:helm.sh/v3:Release", name: "gatekeeper", inputs: {} }),
            ["chart gatekeeper has no version: it would float to the newest"],
        );
    });
});
