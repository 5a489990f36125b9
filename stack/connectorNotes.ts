import { note } from "./notes";
import { ConnectorDecision, discoveryDifference, ExistingSecurityConnector } from "../domain/shared/securityConnectors";

/** The membership an organization onboarding gives a connector (spec: AwsOrganizationalData, GcpOrganizationalData). */
export function organizationMembership(c: ExistingSecurityConnector): string | undefined {
    const org = c.environmentData.organizationalData as
        { organizationMembershipType?: unknown; parentHierarchyId?: unknown } | undefined;
    const type = org?.organizationMembershipType;
    if (type === "Member")
        return `a member connector of an organization onboarding (parent ${String(org?.parentHierarchyId ?? "unknown")}), which Defender manages from the organization's connector`;
    if (type === "Organization")
        return "the organization's connector (its settings reach every member account or project)";
    return undefined;
}

/**
 * The plan's notes for the connector decision: nothing for a connector to create (as before), one
 * for the stack's own, and for an adopted one what it is, that no second connector is made, and a
 * manual step when its agentless discovery does not point at this stack's identity (an adopted
 * connector is imported as it is; this stack does not rewrite the portal's settings).
 */
export function connectorNote(
    decision: ConnectorDecision | undefined,
    cfg: { name: string; resourceGroupName: string; keyPath: string },
    offeringType: string,
    expected: Record<string, string>,
): void {
    if (!decision || decision.action === "create") return;
    const c = decision.existing;
    if (decision.action === "manage") {
        note(
            "info",
            c.id,
            `security connector exists at the configured name and resource group: this stack's own (an earlier run made it), managed as usual`,
        );
        return;
    }
    const renamed =
        c.name !== cfg.name || c.resourceGroupName.toLowerCase() !== cfg.resourceGroupName.toLowerCase()
            ? `; it differs from ${cfg.keyPath} (name ${cfg.name}, resource group ${cfg.resourceGroupName}): the existing connector is used and no second one is created`
            : "";
    const membership = organizationMembership(c);
    note(
        "info",
        c.id,
        `security connector for ${c.environmentName} ${c.hierarchyIdentifier} exists (not made by this stack; the Defender portal makes one per account or project): ` +
            `adopted (imported as it is, never deleted by destroy)${renamed}${membership ? `; it is ${membership}` : ""}`,
    );
    const difference = discoveryDifference(c, offeringType, expected);
    if (difference) {
        note(
            "manual-step",
            c.id,
            `Defender cannot discover through this stack's identity yet: ${difference}. ` +
                "This stack imports the connector as it is and does not change it; set it in Defender for Cloud (Environment settings, the connector, Containers plan settings, agentless discovery)",
        );
    }
}
