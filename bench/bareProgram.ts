/**
 * The baseline for the plan benchmark: the same provider modules the Azure program imports,
 * and not a single resource.
 */
import "@pulumi/pulumi";
import "@pulumi/azure-native/provider";
import "@pulumi/azure-native/security";
import "@pulumi/azure-native/authorization";
import "@pulumi/azure-native/containerservice";
import "@pulumi/azure-native/policyinsights";
import "@pulumi/azure-native/kubernetesconfiguration";
