/**
 * Microsoft's identity side of the discovery flow for AWS and GCP (docs/sources.md: AWS, GCP): the Entra tenant
 * that issues the tokens Defender presents, and the application those tokens are for.
 */
export const MICROSOFT_TENANT_ID = "33e01921-4d64-4f8c-a055-5bdaffd5e33d";
export const MICROSOFT_ISSUER = `https://sts.windows.net/${MICROSOFT_TENANT_ID}/`;
export const DEFENDER_AUDIENCE = "api://6610e979-c931-41ec-adc7-b9920c9d52f1";
