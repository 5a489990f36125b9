import { Rule } from "../types";
import { aksDiscoveryRoleIsBuiltIn, aksDiscoveryRoleScope } from "./aksDiscoveryRoleAssignment";
import { awsAuthNoSystemMasters } from "./awsAuthNoSystemMasters";
import { connectorAutoProvisioningVsHelm } from "./connectorAutoProvisioning";
import { defenderCidrsAllowed } from "./defenderCidrsAllowed";
import { eksDiscoveryRoleActions, eksDiscoveryTrust } from "./eksDiscoveryRole";
import { gatekeeperDenyInProduction } from "./gatekeeperDenyInProduction";
import { gkeWriteRoleExact } from "./gkeWriteRoleExact";
import { helmChartsPinned } from "./helmChartsPinned";
import { noAccountWideIamResources } from "./noAccountWideIamResources";
import { noSimulationInProduction } from "./noSimulationInProduction";
import { noWildcardIamActions } from "./noWildcardIamActions";
import { trustedAccessDefenderRolesOnly } from "./trustedAccessDefenderRolesOnly";
import { widerGrantsAcknowledged } from "./widerGrants";

/** Every rule of the pack, in the order violations are reported. */
export const RULES: readonly Rule[] = [
    noWildcardIamActions,
    noAccountWideIamResources,
    eksDiscoveryRoleActions,
    eksDiscoveryTrust,
    gkeWriteRoleExact,
    aksDiscoveryRoleScope,
    aksDiscoveryRoleIsBuiltIn,
    trustedAccessDefenderRolesOnly,
    noSimulationInProduction,
    helmChartsPinned,
    awsAuthNoSystemMasters,
    gatekeeperDenyInProduction,
    defenderCidrsAllowed,
    widerGrantsAcknowledged,
    connectorAutoProvisioningVsHelm,
];
