/**
 * Who reads the cloud, for the header of an exported cloud-state file: the identity as the cloud's
 * own credentials name it, found without any call that needs a permission. Never a secret: names,
 * ARNs and object ids only, never a token or a key.
 */
import type { TokenCredential } from "@azure/core-auth";

/** The claims of a JWT's payload; undefined when the text is not a JWT. */
function jwtClaims(token: string): Record<string, unknown> | undefined {
    const payload = token.split(".")[1];
    if (!payload) return undefined;
    try {
        const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
        return claims && typeof claims === "object" ? (claims as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

/**
 * Entra ID's access token for ARM names its holder in its claims (Microsoft identity platform,
 * "Access token claims reference"): `upn` or `unique_name` for a user, `app_displayname` or
 * `appid` for an application, `oid` its object id, `tid` its tenant. The token itself is never kept.
 */
export async function azureIdentity(credential?: TokenCredential): Promise<string> {
    let token: string;
    try {
        const cred =
            credential ?? new (require("@azure/identity") as typeof import("@azure/identity")).DefaultAzureCredential();
        const t = await cred.getToken("https://management.azure.com/.default");
        if (!t) return "an Azure identity the credential did not name (no token)";
        token = t.token;
    } catch (e) {
        return `an Azure identity that could not be named (${(e as Error).message.split("\n")[0].slice(0, 200)})`;
    }
    const c = jwtClaims(token);
    if (!c) return "an Azure identity its token does not name (not a JWT)";
    const name =
        text(c.upn) ?? text(c.unique_name) ?? text(c.app_displayname) ?? text(c.appid) ?? "an unnamed principal";
    const parts = [text(c.oid) && `object id ${text(c.oid)}`, text(c.tid) && `tenant ${text(c.tid)}`].filter(Boolean);
    return parts.length ? `${name} (${parts.join(", ")})` : name;
}

/**
 * Google's Application Default Credentials name a service account (its email) in the credential
 * itself; a user's credentials name nobody without a call to Google's tokeninfo endpoint, which
 * the export does not make.
 */
export async function gcpIdentity(credentials?: () => Promise<{ client_email?: string }>): Promise<string> {
    try {
        const read =
            credentials ??
            (() => {
                const { GoogleAuth } = require("google-auth-library") as typeof import("google-auth-library");
                return new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"] }).getCredentials();
            });
        const email = text((await read()).client_email);
        return email
            ? `service account ${email}`
            : "a Google user account (Application Default Credentials do not name a user without a call to Google's tokeninfo endpoint, which this export does not make)";
    } catch (e) {
        return `a Google identity that could not be named (${(e as Error).message.split("\n")[0].slice(0, 200)})`;
    }
}

/**
 * The AWS caller's ARN is reported only by sts:GetCallerIdentity, and this project ships no STS
 * client (its dependencies are the EKS, IAM and S3 clients): the header says which credentials
 * were used (the default chain, and its profile) and that the ARN is not named. Which account they
 * reach is not known either: the stack's account is checked only against the clusters' ARNs.
 */
export function awsIdentity(accountId: string): string {
    const profile = process.env.AWS_PROFILE;
    return (
        `the AWS SDK's default credentials${profile ? ` (profile ${profile})` : ""} for the stack's account ${accountId}; ` +
        "the caller's ARN is not named: only sts:GetCallerIdentity reports it, and this project ships no STS client"
    );
}
