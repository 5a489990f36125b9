/**
 * `@pulumi/azure-native` also publishes each resource at explicit API versions, under type tokens
 * such as `azure-native:security/v20231001preview:SecurityConnector` (the same tokens its aliases
 * list: stack/aliases.ts). A rule written against `azure-native:security:SecurityConnector` must
 * judge those as well, or a program could slip a resource past the gate by choosing a version: every
 * view the rules see carries the type without its version.
 */
const API_VERSION = /^(azure-native:[A-Za-z0-9]+)\/v\d{8}(?:preview)?(:[^:]+)$/;

export function withoutApiVersion(type: string): string {
    const m = API_VERSION.exec(type);
    return m ? m[1] + m[2] : type;
}
