/**
 * Whether this process runs the program under the project's own mock runtime (`npm run plan`,
 * `npm run gate`, the tests). The SDK does not say so publicly (its MockMonitor class is not
 * exported), and the program must know it to honour a cloud-state file only offline.
 */
let active = false;

export function markMockSession(): void {
    active = true;
}

export function isMockSession(): boolean {
    return active;
}
