import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { version as sdkVersion } from "@pulumi/pulumi/version";
import { EksControlPlaneLogging, loggingProvider } from "../../../components/aws/controlPlaneLogging";
import { EksDefenderEndpointAccess, endpointProvider } from "../../../components/aws/defenderEndpoint";
import { builtText, SerializedDynamicResource, SerializedProviders } from "../../../components/shared/dynamicResource";
import { one, registered } from "../../helpers/pulumi";

/** The SDK's own dynamic resource, the reference (its class is abstract in the SDK's types only). */
class SdkDynamicResource extends pulumi.dynamic.Resource {}

describe("SerializedDynamicResource: a dynamic resource whose provider the build serialized", () => {
    const file: SerializedProviders = {
        sdk: sdkVersion,
        providers: {
            "aws/controlPlaneLogging#loggingProvider": "logging text",
            "aws/defenderEndpoint#endpointProvider": "endpoint text",
        },
    };

    it("takes a provider's text from the build by the object's identity, never by its shape", () => {
        assert.equal(builtText(file, loggingProvider), "logging text");
        assert.equal(builtText(file, endpointProvider), "endpoint text");
        assert.equal(
            builtText(file, { ...loggingProvider }),
            undefined,
            "a copy is not the provider the build serialized",
        );
        assert.equal(builtText(null, loggingProvider), undefined, "no build beside the module (the sources under tsx)");
    });

    it("ignores texts another @pulumi/pulumi wrote, so that the run-time serializer decides", () => {
        assert.equal(builtText({ ...file, sdk: "3.0.0" }, loggingProvider), undefined);
    });

    it("registers what pulumi.dynamic.Resource registers for the same provider and props", async () => {
        const args = { clusterName: "dr-cluster", region: "eu-west-1", logTypes: ["audit", "authenticator"] };
        const rs = await registered(() => {
            new SdkDynamicResource(loggingProvider, "dr-sdk", {
                ...args,
                enabledLogTypes: undefined,
                enabledByStack: undefined,
            });
            new EksControlPlaneLogging("dr-ours", args);
        });
        const sdk = one(rs, "pulumi-nodejs:dynamic:Resource", "dr-sdk");
        const ours = one(rs, "pulumi-nodejs:dynamic:Resource", "dr-ours");
        assert.deepEqual({ ...ours, name: "dr-sdk" }, sdk);
        assert.deepEqual(Object.keys(ours.inputs).sort(), ["__provider", "clusterName", "logTypes", "region"]);
    });

    it("registers EksDefenderEndpointAccess as the same dynamic resource type, with its CIDRs", async () => {
        const rs = await registered(
            () =>
                new EksDefenderEndpointAccess("dr-endpoint", {
                    clusterName: "dr-cluster",
                    region: "eu-west-1",
                    cidrs: ["172.212.245.192/28"],
                }),
        );
        assert.deepEqual(
            { ...one(rs, "pulumi-nodejs:dynamic:Resource", "dr-endpoint").inputs, __provider: undefined },
            { __provider: undefined, clusterName: "dr-cluster", region: "eu-west-1", cidrs: ["172.212.245.192/28"] },
        );
    });

    it("refuses props that define __provider, as dynamic.Resource does", () => {
        assert.throws(() => new SerializedDynamicResource(loggingProvider, "dr-bad", { __provider: "code" }), {
            message:
                "dynamic resource dr-bad: props must not define __provider, the key that carries the provider's code",
        });
    });
});
