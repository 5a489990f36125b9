"use strict";
/**
 * The baseline for the plan benchmark: the same provider modules the Azure program imports,
 * and not a single resource. Plain JavaScript, as the compiled program it is compared with.
 */
require("@pulumi/pulumi");
require("@pulumi/azure-native/provider");
require("@pulumi/azure-native/security");
require("@pulumi/azure-native/authorization");
require("@pulumi/azure-native/containerservice");
require("@pulumi/azure-native/policyinsights");
require("@pulumi/azure-native/kubernetesconfiguration");
