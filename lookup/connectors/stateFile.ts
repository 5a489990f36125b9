import { ConfigError } from "../../lib/errors";
import { AZURE_LOCATION_RULE } from "../../config/connector";
import {
    isPlainObject,
    join,
    list,
    object,
    oneOf,
    requiredString,
    StringRule,
    stringMap,
    unique,
} from "../../config/read";
import {
    CONNECTOR_ENVIRONMENT_NAMES,
    CONNECTOR_ID_SHAPE,
    CONNECTOR_OFFERING_TYPES,
    ExistingSecurityConnector,
    parseConnectorId,
} from "../../domain/shared/securityConnectors";
import { CloudStateFile, readSection } from "../stateFile";

/**
 * The `securityConnectors` section of a cloud-state file: the Azure security connectors that exist
 * (in any subscription), as ARM's `SecurityConnectors_List` describes them, answering the connector
 * lookup of AWS and GCP stacks offline. docs/cloud-state.md documents the keys.
 */
export const CONNECTOR_STATE_KEYS = [
    "id",
    "location",
    "environmentName",
    "hierarchyIdentifier",
    "environmentData",
    "offerings",
    "tags",
] as const;

/** The keys of the environment data this stack reads; other environment types are kept as given. */
const ENVIRONMENT_KEYS: Record<string, readonly string[]> = {
    AwsAccount: ["environmentType", "organizationalData", "regions", "accountName", "scanInterval"],
    GcpProject: ["environmentType", "organizationalData", "projectDetails", "scanInterval"],
};
const ENVIRONMENT_TYPES = [
    "AwsAccount",
    "GcpProject",
    "GithubScope",
    "AzureDevOpsScope",
    "GitlabScope",
    "DockerHubOrganization",
    "JFrogArtifactory",
] as const;
const FIELD = /^[a-z][A-Za-z0-9]*$/;

/**
 * What a connector's hierarchyIdentifier holds for the clouds this project onboards: the AWS account
 * id or the GCP project number (docs/cloud-state.md). Anything else could never match the stack's
 * account or project, and the plan would create a second connector instead of adopting this one.
 */
const HIERARCHY_IDENTIFIER: Partial<Record<(typeof CONNECTOR_ENVIRONMENT_NAMES)[number], StringRule>> = {
    AWS: {
        expected: 'the AWS account id the connector covers: 12 digits, quoted ("123456789012")',
        pattern: /^\d{12}$/,
    },
    GCP: {
        expected:
            'the GCP project number the connector covers: 6 to 19 digits not starting with 0, quoted ("123456789012")',
        pattern: /^[1-9][0-9]{5,18}$/,
    },
};

function environmentData(v: unknown, path: string): Record<string, unknown> {
    if (!isPlainObject(v))
        throw new ConfigError(
            path,
            v,
            "the connector's environmentData as ARM returns it, a mapping with environmentType (AwsAccount, GcpProject, ...)",
        );
    const type = oneOf(v.environmentType, join(path, "environmentType"), ENVIRONMENT_TYPES);
    const keys = ENVIRONMENT_KEYS[type];
    if (keys) object(v, path, keys);
    return v;
}

function offering(v: unknown, path: string): Record<string, unknown> {
    if (!isPlainObject(v)) throw new ConfigError(path, v, "an offering as ARM returns it, a mapping with offeringType");
    oneOf(v.offeringType, join(path, "offeringType"), CONNECTOR_OFFERING_TYPES);
    for (const k of Object.keys(v)) {
        // azure-native spells it K8S; ARM's answer (which this file mirrors) spells it K8s.
        if (!FIELD.test(k) || k.endsWith("K8S"))
            throw new ConfigError(
                join(path, k),
                v[k],
                `an offering field as ARM spells it (camelCase${k.endsWith("K8S") ? `: ${k.replace(/K8S$/, "K8s")}` : ""})`,
            );
    }
    return v;
}

function connector(v: unknown, path: string): ExistingSecurityConnector {
    if (!isPlainObject(v))
        throw new ConfigError(path, v, `a security connector { ${CONNECTOR_STATE_KEYS.join(", ")} }`);
    const raw = object(v, path, CONNECTOR_STATE_KEYS);
    const idPath = join(path, "id");
    const id = requiredString(raw.id, idPath, { expected: `the connector's ARM id ${CONNECTOR_ID_SHAPE}` });
    const ref = parseConnectorId(id);
    if (!ref) throw new ConfigError(idPath, id, `the connector's ARM id ${CONNECTOR_ID_SHAPE}`);
    const offeringsPath = join(path, "offerings");
    const environmentName = oneOf(raw.environmentName, join(path, "environmentName"), CONNECTOR_ENVIRONMENT_NAMES);
    return {
        id,
        ...ref,
        location: requiredString(raw.location, join(path, "location"), AZURE_LOCATION_RULE),
        environmentName,
        hierarchyIdentifier: requiredString(
            raw.hierarchyIdentifier,
            join(path, "hierarchyIdentifier"),
            HIERARCHY_IDENTIFIER[environmentName] ?? {
                expected: "the identifier of what the connector covers, as ARM returns it",
            },
        ),
        environmentData: environmentData(raw.environmentData, join(path, "environmentData")),
        offerings: list(raw.offerings, offeringsPath, "offerings ({ offeringType, ... })").map((o, i) =>
            offering(o, join(offeringsPath, i)),
        ),
        tags: stringMap(raw.tags, join(path, "tags")),
    };
}

export function readSecurityConnectorsState(v: unknown, path = "securityConnectors"): ExistingSecurityConnector[] {
    const items = list(
        v,
        path,
        "security connectors ({ id, location, environmentName, hierarchyIdentifier, environmentData, offerings, tags })",
    ).map((c, i) => connector(c, join(path, i)));
    unique(items, path, (c) => c.id, "connector id");
    return items;
}

/** The offline `SecurityConnectors_List`: the file's connectors of one subscription (none listed: none exist). */
export function fileSecurityConnectors(
    file: () => CloudStateFile,
): (subscriptionId: string) => Promise<ExistingSecurityConnector[]> {
    let all: ExistingSecurityConnector[] | undefined;
    return async (subscriptionId) => {
        all ??= readSection(file(), "securityConnectors", readSecurityConnectorsState);
        return all.filter((c) => c.subscriptionId === subscriptionId.toLowerCase());
    };
}
