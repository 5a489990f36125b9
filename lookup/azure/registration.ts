/**
 * ARM's answer for a resource provider namespace the subscription has not registered, and the one
 * rule every Azure read of this project applies to it: nothing of that namespace exists there, so a
 * list is empty and a single object is absent.
 *
 * ARM itself answers `409 MissingSubscriptionRegistration` ("The subscription is not registered to
 * use namespace ..."; the Azure SDKs' registration policies key on that status and code), and a
 * provider may answer its own `SubscriptionNotRegistered` (Microsoft.Security spells it
 * `Subscription Not Registered`, with a 404). Every other error stays an error, a 404 included:
 * ARM answers 404 `SubscriptionNotFound` for a wrong subscription and `ParentResourceNotFound` for
 * a cluster deleted under a read, and neither may read as "nothing here". docs/sources.md names the sources.
 */
export const UNREGISTERED_CODES = ["MissingSubscriptionRegistration", "SubscriptionNotRegistered"] as const;

/** ARM's error code from an error answer's body (`{ "error": { "code": ... } }`), if it has one. */
export function armCode(body: string | undefined): string | undefined {
    try {
        const code = (JSON.parse(body ?? "") as { error?: { code?: unknown } }).error?.code;
        return typeof code === "string" ? code : undefined;
    } catch {
        return undefined;
    }
}

const normalise = (code: string) => code.replace(/\s+/g, "").toLowerCase();
const UNREGISTERED = new Set(UNREGISTERED_CODES.map(normalise));

/** Whether an ARM error code says the subscription has not registered the namespace (case and spaces ignored). */
export function isUnregistered(code: string | undefined): boolean {
    return code !== undefined && UNREGISTERED.has(normalise(code));
}
